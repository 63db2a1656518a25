package io.berth.catalog;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code images} mapping of berth.yaml: templates keep upstream names ({@code mongo:8.0}); a site without Docker
 * Hub maps them to what it has. An exact name wins; otherwise the longest key ending in {@code /} that prefixes the
 * name is replaced ({@code "docker.io/" → "mirror.site/"}; names without a registry count as under
 * {@code docker.io/library/} or {@code docker.io/}).
 *
 * <p>When berth.yaml maps nothing for a name, a {@linkplain LocalBuilds local build} stands in for it if the engine
 * lacks the upstream image and has the local one: so the Run line's images work without configuration, while a site
 * that pulled or mapped the real image keeps it.
 */
public final class ImageMap {
    private final Map<String, String> mapping;
    /** How long an answer of the engine about an image is reused: a build or a pull shows within this. */
    private static final int PRESENCE_SECONDS = 10;
    private static final Duration PRESENCE_FOR = Duration.ofSeconds(PRESENCE_SECONDS);

    private final LocalBuilds localBuilds;
    private final LoadingCache<String, Boolean> present;

    public ImageMap(Map<String, String> mapping) {
        this(mapping, LocalBuilds.none(), image -> true);
    }

    /**
     * With local builds, and a way to ask whether the engine holds an image (asked only for names with a local build,
     * answers kept {@value #PRESENCE_SECONDS} s; an engine that cannot answer counts as holding the upstream image,
     * so nothing is swapped while it is away).
     */
    public ImageMap(Map<String, String> mapping, LocalBuilds localBuilds, Predicate<String> present) {
        this.mapping = Map.copyOf(mapping);
        this.localBuilds = localBuilds;
        this.present = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(PRESENCE_FOR)
                .build(image -> answer(present, image));
    }

    private static boolean answer(Predicate<String> present, String image) {
        try {
            return present.test(image);
        } catch (RuntimeException e) {
            return true;
        }
    }

    public String map(String image) {
        String configured = configured(image);
        if (configured != null) {
            return configured;
        }
        return localBuilds.forUpstream(image)
                .filter(b -> !present.get(image) && present.get(b.image()))
                .map(LocalBuilds.Build::image)
                .orElse(image);
    }

    /** Whether berth.yaml's {@code images:} says what to run for {@code image}. */
    public boolean configures(String image) {
        return configured(image) != null;
    }

    /**
     * One sentence for a catalog card whose image for {@code upstream} the engine lacks: which command builds it here
     * or which mapping to set.
     */
    public String missingAdvice(String upstream) {
        if (configures(upstream)) {
            return "Image " + map(upstream) + " (what images: in berth.yaml runs for " + upstream + ") is not on the "
                    + "Docker engine: pull, load or build it there.";
        }
        return localBuilds.forUpstream(upstream)
                .map(b -> "Image " + upstream + " is not on the Docker engine: build its local replacement with "
                        + "deploy/images/build.sh " + b.recipe() + " (about " + minutes(b.buildSeconds())
                        + " here), or map it under images: in berth.yaml.")
                .orElse("Image " + upstream + " is not on the Docker engine and needs a registry or a local build of "
                        + "it: pull it, or map it under images: in berth.yaml (README, \"Images without a registry\").");
    }

    /** The warning for running {@code image} when it is a local build that has one (the MongoDB stand-in), or null. */
    public String note(String image) {
        return localBuilds.byImage(image).map(LocalBuilds.Build::note)
                .map(n -> image + " is " + n + ".").orElse(null);
    }

    private static String minutes(int seconds) {
        int m = Math.max(1, Math.round(seconds / 60f));
        return m == 1 ? "1 minute" : m + " minutes";
    }

    private String configured(String image) {
        String exact = mapping.get(image);
        if (exact != null) {
            return exact;
        }
        String full = qualified(image);
        String best = null;
        for (String key : mapping.keySet()) {
            if (key.endsWith("/") && (image.startsWith(key) || full.startsWith(key))
                    && (best == null || key.length() > best.length())) {
                best = key;
            }
        }
        if (best == null) {
            return null;
        }
        String rest = image.startsWith(best) ? image.substring(best.length()) : full.substring(best.length());
        return mapping.get(best) + rest;
    }

    /** {@code mongo:8.0 → docker.io/library/mongo:8.0}, {@code a/b → docker.io/a/b}; others unchanged. */
    static String qualified(String image) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
        if (hasRegistry) {
            return image;
        }
        return slash < 0 ? "docker.io/library/" + image : "docker.io/" + image;
    }
}
