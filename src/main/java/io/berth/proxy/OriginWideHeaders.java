package io.berth.proxy;

import java.util.ListIterator;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Response headers whose effect reaches past the page that carries them to its whole origin. A path-routed service
 * shares the portal's origin, so from it these would act on the portal and on every other user's path-routed
 * service: widen a service worker's scope to {@code /} ({@code Service-Worker-Allowed}), wipe the portal's cookies
 * and storage ({@code Clear-Site-Data}), pin HTTPS or keys for the host, send the origin's traffic elsewhere
 * ({@code Alt-Svc}), or collect its network errors ({@code NEL}, {@code Report-To}). They are dropped from
 * path-routed answers; a host-routed service has its own origin and keeps them.
 */
final class OriginWideHeaders {
    private static final Set<String> NAMES = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        NAMES.addAll(Set.of("Service-Worker-Allowed", "Clear-Site-Data", "Strict-Transport-Security",
                "Public-Key-Pins", "Public-Key-Pins-Report-Only", "Expect-CT", "NEL", "Report-To", "Alt-Svc",
                "Accept-CH", "Critical-CH", "Origin-Agent-Cluster", "Set-Login"));
    }

    private OriginWideHeaders() { }

    /** Removes them, in one pass over the answer's headers (no allocation but the iterator). */
    static void strip(HttpFields.Mutable headers) {
        for (ListIterator<HttpField> it = headers.listIterator(); it.hasNext(); ) {
            if (NAMES.contains(it.next().getName())) {
                it.remove();
            }
        }
    }
}
