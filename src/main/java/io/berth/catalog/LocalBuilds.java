package io.berth.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The images {@code deploy/images/build.sh} builds on this host without a registry, and the upstream image of a
 * shipped template each stands in for ({@code images/local-builds.yaml} in the jar). They let the README's Run line
 * give a newcomer working Jupyter and Sacred stacks without writing any configuration; see {@link ImageMap} for when
 * one is used.
 */
public final class LocalBuilds {
    /**
     * One local build: its tag, the recipe that makes it ({@code deploy/images/build.sh <recipe>}), about how long a
     * first build takes here, and a warning to show wherever it is in use (the MongoDB stand-in), or null.
     */
    public record Build(String image, String recipe, int buildSeconds, String note) { }

    private static final LocalBuilds SHIPPED = load();

    private final Map<String, Build> byUpstream;

    LocalBuilds(Map<String, Build> byUpstream) {
        this.byUpstream = Map.copyOf(byUpstream);
    }

    /** The list shipped with Berth. */
    public static LocalBuilds shipped() {
        return SHIPPED;
    }

    /** No local builds (when {@code docker.local_builds} is off). */
    public static LocalBuilds none() {
        return new LocalBuilds(Map.of());
    }

    /** The local build that stands in for {@code upstream} (its name as the template writes it), if any. */
    public Optional<Build> forUpstream(String upstream) {
        return Optional.ofNullable(byUpstream.get(upstream));
    }

    /** The local build whose tag is {@code image}, if it is one (to show its note). */
    public Optional<Build> byImage(String image) {
        return byUpstream.values().stream().filter(b -> b.image().equals(image)).findFirst();
    }

    Map<String, Build> all() {
        return byUpstream;
    }

    private static LocalBuilds load() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = LocalBuilds.class.getResourceAsStream("/images/local-builds.yaml")) {
            if (in == null) {
                throw new IllegalStateException("images/local-builds.yaml is missing from Berth's classpath");
            }
            Map<String, Build> read = yaml.readValue(in,
                    yaml.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Build.class));
            return new LocalBuilds(read);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read images/local-builds.yaml", e);
        }
    }
}
