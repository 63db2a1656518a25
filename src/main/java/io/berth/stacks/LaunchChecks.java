package io.berth.stacks;

import io.berth.backend.StackSpec;
import io.berth.catalog.Catalog;
import io.berth.catalog.Parameter;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateParser;
import io.berth.catalog.TemplateRenderer;
import io.berth.model.BerthException;
import io.berth.model.User;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a launch request must satisfy before anything is stored: the template exists and may be launched for this
 * kind of owner, the stack name is a slug, every parameter value passes its parameter's check (missing ones take
 * their defaults) and no unknown one is given, host folders resolve to allowed ones, and host names fit DNS. Each
 * refusal is a 400 naming the field at fault.
 */
final class LaunchChecks {
    /** A launch that passed: the template (with the routes decided now), the stack's name and its parameters. */
    record Checked(Template template, String name, Map<String, String> params) { }

    private final Catalog catalog;
    private final TemplateRenderer renderer;
    private final StackDetails details;

    LaunchChecks(Catalog catalog, TemplateRenderer renderer, StackDetails details) {
        this.catalog = catalog;
        this.renderer = renderer;
        this.details = details;
    }

    Checked check(User owner, String templateName, String stackName, Map<String, String> rawParams) {
        Template template = catalog.find(templateName == null ? "" : templateName)
                .orElseThrow(() -> BerthException.badRequest("template", "There is no template \"" + templateName
                        + "\"."));
        if (!template.ownerKinds().contains(owner.kind())) {
            throw BerthException.badRequest("group", "The template \"" + template.name() + "\" is not launched for "
                    + switch (owner.kind()) {
                        case USER -> "one person";
                        case GROUP -> "a group";
                        case SITE -> "the site";
                    } + " (its owner_kinds: " + template.ownerKinds().stream()
                    .map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(", ")) + ").");
        }
        String name = stackName == null || stackName.isBlank() ? template.name() : stackName.trim();
        template = template.withRoutes(details.decideRoutes(template));
        if (!TemplateParser.SLUG.matcher(name).matches()) {
            throw BerthException.badRequest("name",
                    "A stack name is 1-30 characters: lower-case letters, digits and -, starting with a letter or digit.");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Parameter p : template.parameters()) {
            try {
                params.put(p.name(), p.check(rawParams.get(p.name())));
            } catch (Parameter.ParameterException e) {
                throw BerthException.badRequest(e.field(), e.getMessage());
            }
        }
        for (String given : rawParams.keySet()) {
            if (template.parameter(given) == null) {
                throw BerthException.badRequest(given, "The template \"" + template.name() + "\" has no parameter \""
                        + given + "\".");
            }
        }
        TemplateRenderer.Context preview = new TemplateRenderer.Context(owner.username(), Secrets.uidOf(owner.id()),
                Secrets.uidOf(owner.id()), null, name, params, Map.of());
        for (Template.Volume v : template.volumes().values()) {
            if (v.scope() == StackSpec.VolumeScope.HOST) {
                try {
                    renderer.hostPath(v, preview);
                } catch (IllegalArgumentException e) {
                    throw BerthException.badRequest(null, e.getMessage());
                }
            }
        }
        details.requireHostNamesFit(owner, name, template);
        return new Checked(template, name, params);
    }
}
