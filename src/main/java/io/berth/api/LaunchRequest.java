package io.berth.api;

import io.berth.model.BerthException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/v1/stacks}: which template, the stack's name (default: the template's), parameter values —
 * strings, numbers or booleans, as the parameter's type suggests; the template checks them — and {@code group} to
 * launch it for one of the caller's groups, or {@code site: true} (admins) to launch it as a site service for
 * {@code audience}: {@code ["everyone"]} or group names.
 */
record LaunchRequest(String template, String name, Map<String, Object> parameters, String group, Boolean site,
                     java.util.List<String> audience) {
    Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        if (parameters != null) {
            parameters.forEach((key, value) -> {
                if (value instanceof Map || value instanceof Iterable) {
                    throw BerthException.badRequest("parameters." + key, "The parameter \"" + key
                            + "\" takes a string, a number or true/false.");
                }
                out.put(key, value == null ? null : String.valueOf(value));
            });
        }
        return out;
    }
}
