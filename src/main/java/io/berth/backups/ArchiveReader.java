package io.berth.backups;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a backup file from start to end and trusts nothing in it: the manifest must come first and be sane; every
 * other entry must be one the manifest lists, exactly as large as it says, with its SHA-256; every volume tar is
 * checked entry by entry ({@link VolumeTar}); a gzip stream cut short or corrupt is refused. {@link #check} only
 * reads; {@link #read} hands each checked part to a consumer as well — a restore checks the whole file first, then
 * reads it a second time to write, so nothing is written from a file that fails anywhere.
 */
final class ArchiveReader {
    private static final Pattern DUMP = Pattern.compile("dumps/([a-z0-9][a-z0-9-]{0,29})\\.dump");
    private static final Pattern VOLUME = Pattern.compile("volumes/([a-z0-9][a-z0-9-]{0,29})/([a-z0-9][a-z0-9-]{0,29})\\.tar");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Receives one checked part: a dump's bytes, or a volume's tar as Berth rewrote it. */
    interface PartSink {
        void accept(Manifest.Entry entry, InputStream data) throws IOException, BadArchiveException;
    }

    private ArchiveReader() { }

    /** Only the manifest of a backup file (its first entry), for a quick answer before the whole file is checked. */
    static Manifest manifestOf(Path file) throws IOException, BadArchiveException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16));
            TarArchiveEntry first = tar.getNextEntry();
            if (first == null || !first.getName().equals(Manifest.NAME) || first.getSize() > Manifest.MAX_BYTES) {
                throw bad("its first entry is not " + Manifest.NAME);
            }
            Manifest manifest = Manifest.parse(tar.readNBytes((int) first.getSize()));
            listed(manifest);
            return manifest;
        } catch (EOFException e) {
            throw cutShort();
        } catch (ZipException e) {
            throw damaged(e.getMessage());
        } catch (IOException e) {
            throw bad("its manifest cannot be read (" + e.getMessage() + ")");
        }
    }

    static Manifest check(Path file) throws IOException, BadArchiveException {
        return read(file, null, null);
    }

    /**
     * Checks {@code file} and hands {@code sink} each part (call it after {@link #check}): a volume's tar as
     * {@link VolumeTar} rewrote it, spooled to a file in {@code scratch} first (deleted after the sink returns).
     */
    static Manifest read(Path file, PartSink sink, Path scratch) throws IOException, BadArchiveException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, sink, scratch);
        } catch (SourceFailure e) {
            throw e.getCause() instanceof EOFException ? cutShort() : damaged(e.getCause().getMessage());
        } catch (EOFException e) {
            throw cutShort();
        } catch (ZipException e) {
            throw damaged(e.getMessage());
        } catch (IOException e) {
            if (sink != null) {
                throw e; // writing: the file was checked before, so this is a disk's or the engine's failure
            }
            throw new BadArchiveException("The backup is refused: it cannot be read as a tar (" + e.getMessage()
                    + ").");
        }
    }

    private static Manifest read(InputStream raw, PartSink sink, Path scratch)
            throws IOException, BadArchiveException {
        GZIPInputStream gzip = new GZIPInputStream(raw, 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip);
        TarArchiveEntry first = tar.getNextEntry();
        if (first == null || !first.getName().equals(Manifest.NAME) || !first.isFile()) {
            throw bad("its first entry is not " + Manifest.NAME);
        }
        if (first.getSize() > Manifest.MAX_BYTES) {
            throw bad("its manifest is larger than " + Manifest.MAX_BYTES + " bytes");
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(tar.readNBytes((int) first.getSize()));
        } catch (IOException e) {
            throw bad("its manifest is not valid JSON");
        }
        Map<String, Manifest.Entry> listed = listed(manifest);
        Set<String> found = new HashSet<>();
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            Manifest.Entry expected = listed.get(entry.getName());
            if (expected == null || !entry.isFile()) {
                throw bad("it holds \"" + entry.getName() + "\", which its manifest does not list");
            }
            if (!found.add(entry.getName())) {
                throw bad("it holds \"" + entry.getName() + "\" twice");
            }
            if (entry.getSize() != expected.bytes()) {
                throw bad("\"" + entry.getName() + "\" is " + entry.getSize() + " bytes, but its manifest says "
                        + expected.bytes());
            }
            MessageDigest sha = sha256();
            InputStream part = new DigestInputStream(new Unclosable(tar), sha);
            if (expected.holdsVolume()) {
                if (sink == null) {
                    VolumeTar.copy(entry.getName(), part, null);
                } else {
                    Path spooled = Files.createTempFile(scratch, "volume-", ".tar");
                    try {
                        try (OutputStream out = Files.newOutputStream(spooled)) {
                            VolumeTar.copy(entry.getName(), part, out);
                        }
                        try (InputStream rewritten = Files.newInputStream(spooled)) {
                            sink.accept(expected, rewritten);
                        }
                    } finally {
                        Files.deleteIfExists(spooled);
                    }
                }
            } else if (sink != null) {
                sink.accept(expected, part);
            }
            part.transferTo(OutputStream.nullOutputStream());
            String actual = java.util.HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(expected.sha256())) {
                throw bad("the checksum of \"" + entry.getName() + "\" does not match its manifest (the file is"
                        + " damaged or was changed)");
            }
        }
        gzip.transferTo(OutputStream.nullOutputStream()); // to the end of the gzip stream: a cut one throws here
        for (String name : listed.keySet()) {
            if (!found.contains(name)) {
                throw bad("its manifest lists \"" + name + "\", which the file does not hold (cut short?)");
            }
        }
        return manifest;
    }

    /** The manifest's entries by name, each checked for a name, kind, size and checksum that make sense. */
    private static Map<String, Manifest.Entry> listed(Manifest manifest) throws BadArchiveException {
        if (manifest.format() != Manifest.FORMAT || manifest.entries() == null || manifest.template() == null
                || manifest.layout() == null) {
            throw bad("its manifest is of a format this Berth does not know (format " + manifest.format() + ")");
        }
        Map<String, Manifest.Entry> out = new HashMap<>();
        for (Manifest.Entry e : manifest.entries()) {
            boolean dump = e.name() != null && DUMP.matcher(e.name()).matches() && "dump".equals(e.kind())
                    && e.name().equals(Manifest.dumpName(e.service()));
            boolean volume = e.name() != null && VOLUME.matcher(e.name()).matches() && e.holdsVolume()
                    && e.volume() != null && e.name().equals(Manifest.volumeName(e.service(), e.volume()));
            if (!dump && !volume) {
                throw bad("its manifest lists an entry \"" + e.name() + "\" that no backup holds");
            }
            if (e.bytes() < 0 || e.sha256() == null || !SHA256.matcher(e.sha256()).matches()) {
                throw bad("its manifest gives \"" + e.name() + "\" no valid size or checksum");
            }
            if (out.put(e.name(), e) != null) {
                throw bad("its manifest lists \"" + e.name() + "\" twice");
            }
        }
        return out;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BadArchiveException cutShort() {
        return new BadArchiveException("The backup is refused: the file ends too early (cut short in a copy or an"
                + " upload?).");
    }

    private static BadArchiveException damaged(String detail) {
        return new BadArchiveException("The backup is refused: it is not a gzip file, or it is damaged (" + detail
                + ").");
    }

    /** A read of the backup file itself that failed, as one part's reader sees it (so it is not blamed on the part). */
    static final class SourceFailure extends IOException {
        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static BadArchiveException bad(String why) {
        return new BadArchiveException("The backup is refused: " + why + ".");
    }

    /**
     * The tar stream of one entry, which a consumer's close must not end for the entries after it; its read errors
     * are the backup file's, marked as {@link SourceFailure}.
     */
    private static final class Unclosable extends FilterInputStream {
        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public void close() { }
    }
}
