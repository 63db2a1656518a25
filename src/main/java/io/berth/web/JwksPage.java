package io.berth.web;

import io.berth.identity.IdentityAssertions;
import io.javalin.config.RoutesConfig;

/**
 * {@code GET /.well-known/jwks.json}: the public keys that verify Berth's identity assertions, for services that must
 * not trust the plain identity headers. Public (see {@link Guard}), and cacheable for a minute, unlike every other
 * answer of the portal ({@link SecurityHeaders}): it holds nothing secret, and a new key is published well before it
 * signs ({@code identity/SigningKeys}).
 */
public final class JwksPage {
    public static final String PATH = "/.well-known/jwks.json";
    /** Seconds verifiers and caches may keep the set. */
    static final int MAX_AGE_SECONDS = 60;

    private final IdentityAssertions assertions;

    public JwksPage(IdentityAssertions assertions) {
        this.assertions = assertions;
    }

    public void register(RoutesConfig routes) {
        routes.get(PATH, ctx -> ctx.header("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS)
                .contentType("application/json").result(assertions.jwks()));
    }
}
