package io.berth.proxy;

import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The {@code X-Forwarded-*} headers a service gets: who asked ({@code For}), over what ({@code Proto}), for which
 * host ({@code Host}) and under which path prefix ({@code Prefix}, path-routed services only). What a client sends
 * in these headers (and in {@code Forwarded}, {@code X-Real-IP}) is discarded unless the client is a configured
 * front proxy, whose values are kept and extended.
 */
final class ForwardedHeaders {
    private static final List<String> REPLACED = List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
            "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-IP", "Forwarded");

    private final ClientAddress trust;

    ForwardedHeaders(ClientAddress trust) {
        this.trust = trust;
    }

    /** The host (and port) the client asked for: {@code Host}, or a trusted front proxy's {@code X-Forwarded-Host}. */
    String requestedHost(Request in) {
        String forwardedHost = in.getHeaders().get("X-Forwarded-Host");
        return trust.trusts(Request.getRemoteAddr(in)) && forwardedHost != null ? forwardedHost
                : in.getHeaders().get(HttpHeader.HOST);
    }

    /** @param prefix the path prefix without its final slash, or null for a host-routed service */
    void apply(Request in, org.eclipse.jetty.client.Request out, String prefix) {
        String remote = Request.getRemoteAddr(in);
        boolean fromFront = trust.trusts(remote);
        var headers = in.getHeaders();
        String forwardedFor = headers.get("X-Forwarded-For");
        String proto = fromFront && headers.get("X-Forwarded-Proto") != null ? headers.get("X-Forwarded-Proto")
                : in.getHttpURI().getScheme();
        String host = fromFront && headers.get("X-Forwarded-Host") != null ? headers.get("X-Forwarded-Host")
                : headers.get(HttpHeader.HOST);
        out.headers(h -> {
            REPLACED.forEach(h::remove);
            h.put("X-Forwarded-For", fromFront && forwardedFor != null ? forwardedFor + ", " + remote : remote);
            h.put("X-Forwarded-Proto", proto == null ? "http" : proto);
            if (host != null) {
                h.put("X-Forwarded-Host", host);
            }
            if (prefix != null) {
                h.put("X-Forwarded-Prefix", prefix);
            }
        });
    }
}
