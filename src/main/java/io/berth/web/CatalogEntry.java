package io.berth.web;

import io.berth.catalog.Template;
import java.util.List;

/**
 * A template as the catalog page shows it: one sentence per image it needs that the engine lacks, warnings about the
 * images it would run (a development stand-in), and its launch form.
 */
public record CatalogEntry(Template template, List<String> missingImages, List<String> imageNotes, LaunchForm form) {
    public boolean launchable() {
        return missingImages.isEmpty();
    }
}
