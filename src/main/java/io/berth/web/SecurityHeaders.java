package io.berth.web;

import io.javalin.http.Context;

/**
 * The headers every answer of the portal carries (pages, the API, errors, {@code /static}; never a proxied
 * service's answer, which the proxy serves before Javalin sees the request):
 * <ul>
 * <li>a Content-Security-Policy that runs only Berth's own script and styles from {@code /static} — no inline
 * script, handler or style attribute anywhere in the pages (they read data- attributes in {@code berth.js}), so a
 * text that slips into a page unescaped still cannot run;</li>
 * <li>{@code frame-ancestors 'none'} and {@code X-Frame-Options: DENY}: the delete, share and token forms cannot be
 * shown in another site's frame and clicked through (clickjacking);</li>
 * <li>{@code nosniff}, {@code Referrer-Policy: same-origin} (links with {@code ?k=} secrets or stack names do not
 * leak to other sites);</li>
 * <li>{@code Cache-Control: no-store} on everything but {@code /static}: pages and API answers show connection
 * strings, tokens and links with secrets, and a shared or back-button cache must not keep them ({@link JwksPage},
 * public keys only, replaces it with a short {@code max-age});</li>
 * <li>HSTS when Berth is served over HTTPS (directly, or {@code server.public_url} says so behind a front proxy;
 * browsers ignore it over plain HTTP).</li>
 * </ul>
 * The policy has no {@code form-action}: signing in and out through the SSO provider is a form whose answer
 * redirects to the provider, which that directive would block.
 */
final class SecurityHeaders {
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    private static final String HSTS = "max-age=31536000";

    private final boolean https;

    /** @param https whether browsers reach the portal over HTTPS ({@code BerthConfig.https()}) */
    SecurityHeaders(boolean https) {
        this.https = https;
    }

    void before(Context ctx) {
        var response = ctx.res();
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        if (!ctx.path().startsWith("/static/")) {
            response.setHeader("Cache-Control", "no-store");
        }
        if (https || "https".equals(ctx.scheme())) {
            response.setHeader("Strict-Transport-Security", HSTS);
        }
    }
}
