package io.berth.web;

import io.berth.catalog.Template;
import java.util.List;

/** A template as the catalog page shows it: the images it needs that the engine lacks, and its launch form. */
public record CatalogEntry(Template template, List<String> missingImages, LaunchForm form) {
    public boolean launchable() {
        return missingImages.isEmpty();
    }
}
