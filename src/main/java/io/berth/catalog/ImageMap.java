package io.berth.catalog;

import java.util.Map;

/**
 * The {@code images} mapping of berth.yaml: templates keep upstream names ({@code mongo:8.0}); a site without Docker
 * Hub maps them to what it has. An exact name wins; otherwise the longest key ending in {@code /} that prefixes the
 * name is replaced ({@code "docker.io/" → "mirror.site/"}; names without a registry count as under
 * {@code docker.io/library/} or {@code docker.io/}).
 */
public final class ImageMap {
    private final Map<String, String> mapping;

    public ImageMap(Map<String, String> mapping) {
        this.mapping = Map.copyOf(mapping);
    }

    public String map(String image) {
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
            return image;
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
