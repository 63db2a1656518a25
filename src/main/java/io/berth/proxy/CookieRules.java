package io.berth.proxy;

import io.berth.auth.Sessions;
import io.berth.model.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What cookies may cross the proxy. Towards a service: every cookie except Berth's own (the portal session and
 * the service-host session), so a service never learns a credential to the portal. From a service: a
 * {@code Set-Cookie} is dropped when it names a Berth cookie or cannot be parsed, loses any {@code Domain} (so it
 * stays host-only and cannot reach the portal or another service host), and on a path-routed service is confined
 * to the service's path prefix.
 */
final class CookieRules {
    /** The session cookie of a service host (host-only, set by the handoff from the portal). */
    static final String HOST_COOKIE = "berth_host";

    private CookieRules() { }

    /** {@link #fromService(String, String)} for a route: confined to its prefix unless it has a host of its own. */
    static String fromService(Route route, String setCookie) {
        return fromService(setCookie, route.hostRouted() ? null : route.prefix());
    }

    /** The value of the request's cookie {@code name}, or null. */
    static String read(org.eclipse.jetty.server.Request request, String name) {
        var cookies = org.eclipse.jetty.server.Request.getCookies(request);
        return cookies == null ? null : cookies.stream().filter(c -> name.equals(c.getName()))
                .map(c -> c.getValue()).findFirst().orElse(null);
    }

    /** The service host's session cookie name: host-only by construction, {@code __Host-} prefixed over HTTPS. */
    static String hostCookie(boolean secure) {
        return secure ? "__Host-" + HOST_COOKIE : HOST_COOKIE;
    }

    static boolean berths(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("__host-") || n.startsWith("__secure-")) {
            n = n.substring(n.indexOf('-') + 1);
        }
        return n.startsWith("berth_") || n.equals(Sessions.COOKIE);
    }

    /** The {@code Cookie} header to forward, from the request's {@code Cookie} headers; null when none is left. */
    static String forService(List<String> cookieHeaders) {
        StringBuilder kept = new StringBuilder();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (p.isEmpty() || berths(eq < 0 ? p : p.substring(0, eq))) {
                    continue;
                }
                kept.append(kept.isEmpty() ? "" : "; ").append(p);
            }
        }
        return kept.isEmpty() ? null : kept.toString();
    }

    /**
     * The {@code Set-Cookie} value to pass to the browser, or null to drop it.
     *
     * @param prefix the service's path prefix ({@code /user/a/s/web/}), or null for a host-routed service
     */
    static String fromService(String setCookie, String prefix) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return null;
        }
        String name = parts[0].substring(0, eq).trim();
        if (name.isEmpty() || !token(name) || berths(name)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        out.add(parts[0].trim());
        boolean hasPath = false;
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            String key = attribute.split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (key.equals("domain") || attribute.isEmpty()) {
                continue;
            }
            if (key.equals("path") && prefix != null) {
                String path = attribute.contains("=") ? attribute.split("=", 2)[1].trim() : "";
                if (!path.startsWith(prefix) || path.contains("..") || path.contains("%") || path.contains("\\")) {
                    continue; // replaced by the prefix below
                }
                hasPath = true;
            }
            out.add(attribute);
        }
        if (prefix != null && !hasPath) {
            out.add("Path=" + prefix);
        }
        return String.join("; ", out);
    }

    /** RFC 6265 cookie-name: an RFC 7230 token. */
    private static boolean token(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
