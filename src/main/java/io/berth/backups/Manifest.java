package io.berth.backups;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.catalog.Template;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code manifest.json}, the first entry of every backup file: what the backup holds and where it came from. Each
 * {@link Entry} is one more entry of the file: a service's dump ({@code dumps/<service>.dump}) or a tar of one of its
 * volumes ({@code volumes/<service>/<volume>.tar}), with its size and SHA-256. {@code layout} is the template's
 * backup declarations when the backup was taken ({@link #layoutOf}); a restore needs the same today. {@code params}
 * and {@code secrets} are the stack's: a clone is launched with them, because data restored into a new stack keeps
 * the passwords it was made with (a database's root user). So a backup file is as secret as the stack's connection
 * strings; only those who may change the stack download it.
 */
public record Manifest(int format, String template, String templateVersion, String layout, String berthVersion,
                       String createdAt, String owner, String stack, java.util.Map<String, String> params,
                       java.util.Map<String, String> secrets, List<Entry> entries) {
    public static final int FORMAT = 1;
    public static final String NAME = "manifest.json";
    /** The most bytes a manifest may take; a larger first entry is refused before it is parsed. */
    static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One part of a backup: {@code kind} is {@code dump} or {@code volume}; {@code scope} a volume's, else null. */
    public record Entry(String name, String service, String kind, String volume, String scope, long bytes,
                        String sha256) {
        public boolean holdsVolume() {
            return "volume".equals(kind);
        }
    }

    static String dumpName(String service) {
        return "dumps/" + service + ".dump";
    }

    static String volumeName(String service, String volume) {
        return "volumes/" + service + "/" + volume + ".tar";
    }

    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Manifest parse(byte[] json) throws IOException {
        return JSON.readValue(json, Manifest.class);
    }

    /**
     * What a template's backups consist of, one line per backed-up service: {@code mongo volume db stack}, or
     * {@code db dump}. Two templates with the same layout can restore each other's backups.
     */
    public static String layoutOf(Template template) {
        List<String> lines = new ArrayList<>();
        for (Template.Service s : template.backedUp()) {
            if (s.backup().dump()) {
                lines.add(s.name() + " dump");
            } else {
                for (String v : s.backup().volumes()) {
                    lines.add(s.name() + " volume " + v + " " + template.volumes().get(v).scope().name()
                            .toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return String.join("\n", lines);
    }

    /** A short version of a layout (the first 12 hex digits of its SHA-256), to tell layouts apart at a glance. */
    public static String versionOf(String layout) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(layout.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
