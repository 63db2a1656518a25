package io.berth.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The templates in a folder. The folder is re-read when a file in it is added, removed or changed, so an operator
 * adds a template without restarting Berth. A broken file is reported (to admins) and left out; the rest still serve.
 */
public final class Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    /** What the folder held at one moment. */
    public record Snapshot(Map<String, Template> templates, List<String> errors) { }

    private final Path dir;
    private final TemplateParser parser = new TemplateParser();
    /** How often the folder is listed again at most; an edited template shows within this time. */
    private static final long RECHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private volatile String fingerprint = "";
    private volatile long checkedAt;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of());
    /** Why the folder could not be listed last time, or null: the folder is listed every second, warned about once. */
    private volatile String listFailure;

    public Catalog(Path dir) {
        this.dir = dir;
    }

    public Snapshot snapshot() {
        long nowNanos = System.nanoTime();
        if (checkedAt != 0 && nowNanos - checkedAt < RECHECK_NANOS) {
            return snapshot; // lookups come from every page and every reconcile pass: list the folder once a second
        }
        checkedAt = nowNanos;
        String now = fingerprint();
        if (!now.equals(fingerprint)) {
            synchronized (this) {
                if (!now.equals(fingerprint)) {
                    snapshot = read();
                    fingerprint = now;
                }
            }
        }
        return snapshot;
    }

    public Optional<Template> find(String name) {
        return Optional.ofNullable(snapshot().templates().get(name));
    }

    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
            listFailure = null;
            return files;
        } catch (IOException e) {
            String reason = e.toString();
            if (!reason.equals(listFailure)) {
                LOG.warn("template folder {} cannot be read, so the catalog is empty: {}", dir.toAbsolutePath(),
                        reason);
            }
            listFailure = reason;
            return List.of();
        }
    }

    private String fingerprint() {
        StringBuilder out = new StringBuilder();
        for (Path file : files()) {
            try {
                out.append(file).append('@').append(Files.getLastModifiedTime(file).toMillis())
                        .append('/').append(Files.size(file)).append(';');
            } catch (IOException e) {
                out.append(file).append("@gone;");
            }
        }
        return out.toString();
    }

    private Snapshot read() {
        Map<String, Template> templates = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            errors.add("template folder " + dir.toAbsolutePath() + " does not exist");
        }
        for (Path file : files()) {
            String fileName = file.getFileName().toString();
            try {
                Template t = parser.parse(fileName, Files.readString(file, StandardCharsets.UTF_8));
                Template earlier = templates.putIfAbsent(t.name(), t);
                if (earlier != null) {
                    errors.add(fileName + ": name \"" + t.name() + "\" is already used by another template");
                }
            } catch (TemplateException e) {
                errors.add(e.getMessage());
            } catch (IOException e) {
                errors.add(fileName + ": cannot be read: " + e.getMessage());
            } catch (RuntimeException e) {
                // A file the parser did not foresee must cost only itself, never the catalog.
                LOG.error("template {} could not be read", fileName, e);
                errors.add(fileName + ": cannot be used (" + e + ")");
            }
        }
        errors.forEach(error -> LOG.warn("template left out of the catalog: {}", error));
        LOG.info("catalog {} holds {} template(s)", dir, templates.size());
        return new Snapshot(java.util.Collections.unmodifiableMap(templates), List.copyOf(errors));
    }
}
