package io.berth.web;

import io.berth.catalog.Template;
import java.util.List;

/** A template as the catalog page shows it: with the images it needs that the engine lacks. */
public record CatalogEntry(Template template, List<String> missingImages) {
    public boolean launchable() {
        return missingImages.isEmpty();
    }
}
