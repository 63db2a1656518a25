package io.berth.web;

import io.berth.catalog.Parameter;
import io.berth.catalog.Template;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A template's launch form: the stack name and one value per parameter, as typed. When a launch is refused, the
 * form comes back with the same values, the field at fault and the message.
 */
public record LaunchForm(String template, String name, Map<String, String> values, String errorField,
                         String error) {

    static LaunchForm blank(Template t) {
        Map<String, String> values = new LinkedHashMap<>();
        t.parameters().forEach(p -> values.put(p.name(), p.defaultValue() == null ? "" : p.defaultValue()));
        return new LaunchForm(t.name(), t.name(), values, null, null);
    }

    static LaunchForm from(Context ctx, Optional<Template> template) {
        Map<String, String> values = new LinkedHashMap<>();
        template.ifPresent(t -> {
            for (Parameter p : t.parameters()) {
                if (p.type() == Parameter.Type.BOOL) {
                    // An unticked checkbox sends nothing: the form's own marker says it was shown.
                    values.put(p.name(), ctx.formParams("param." + p.name()).contains("true") ? "true" : "false");
                } else if (ctx.formParam("param." + p.name()) != null) {
                    values.put(p.name(), ctx.formParam("param." + p.name()));
                }
            }
        });
        return new LaunchForm(ctx.formParam("template"), ctx.formParam("name"), values, null, null);
    }

    LaunchForm failed(String field, String message) {
        return new LaunchForm(template, name, values, field, message);
    }

    public String value(String parameter) {
        return values.getOrDefault(parameter, "");
    }

    public boolean checked(String parameter) {
        return "true".equals(values.get(parameter));
    }

    public boolean hasError(String field) {
        return field != null && field.equals(errorField);
    }
}
