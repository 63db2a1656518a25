package io.berth.catalog;

import io.berth.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a new stack's web services are served, from {@code proxy.path_routing}: a template's {@code route: path}
 * is a wish (the app works under a path prefix), granted only where the site allows it; everything else gets a host
 * of its own, which is what keeps a service's scripts off the portal's origin. The decision is stored with the stack
 * at launch and at every start from STOPPED, so a change of policy never moves a running stack's URLs.
 */
public final class RoutePolicy {
    private enum PathRouting { OFF, TRUSTED_TEMPLATES, ALL }

    private final PathRouting pathRouting;

    public RoutePolicy(String pathRouting) {
        // YAML reads an unquoted off as false, so false is off too
        String value = "false".equals(pathRouting.trim()) ? "off" : pathRouting.trim();
        try {
            this.pathRouting = PathRouting.valueOf(value.replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("proxy.path_routing is \"" + pathRouting + "\"; use off, trusted-templates or"
                    + " all");
        }
    }

    /** The route of each HTTP service of a stack launched (or started) now from {@code template}. */
    public Map<String, Template.Expose.Route> decide(Template template) {
        boolean paths = pathRouting == PathRouting.ALL || pathRouting == PathRouting.TRUSTED_TEMPLATES
                && template.trusted();
        Map<String, Template.Expose.Route> out = new LinkedHashMap<>();
        for (Template.Service s : template.services()) {
            if (s.http() != null) {
                out.put(s.name(), paths ? s.http().route() : Template.Expose.Route.HOST);
            }
        }
        return out;
    }
}
