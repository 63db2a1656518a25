package io.berth.api;

import io.berth.auth.LoginThrottle;
import io.berth.auth.Session;
import io.berth.auth.TokenHeader;
import io.berth.auth.Tokens;
import io.berth.model.BerthException;
import io.berth.proxy.ClientAddress;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Set;

/**
 * Runs before every {@code /api/…} request: the caller is the owner of the {@code Authorization: Bearer} token, and
 * the token must carry the scope the request needs: {@code read} to look, {@code launch} to change stacks,
 * {@code tokens} to list, make and revoke tokens, {@code admin} (and an admin) under {@code /api/v1/admin/}.
 * Cookies are ignored here, so a page of another site can never act through a user's browser. Failures follow RFC 6750: 401 with {@code WWW-Authenticate}, 403
 * {@code insufficient_scope}.
 */
public final class ApiAuth {
    /** Request attribute with the caller's {@link Tokens.Token}. */
    public static final String TOKEN = "berth.token";
    /** Request attribute with the caller's user name, for the audit log. */
    public static final String ACTOR = "berth.actor";
    static final Set<String> PUBLIC = Set.of(ApiV1.BASE + "/openapi.json", ApiV1.BASE + "/docs");

    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final ClientAddress clients;

    public ApiAuth(Tokens tokens, LoginThrottle throttle, ClientAddress clients) {
        this.tokens = tokens;
        this.throttle = throttle;
        this.clients = clients;
    }

    public void before(Context ctx) {
        String path = ctx.path();
        if (!path.startsWith("/api/") || PUBLIC.contains(path)) {
            return;
        }
        TokenHeader header = TokenHeader.read(java.util.Collections.list(ctx.req().getHeaders("Authorization")));
        if (header.kind() == TokenHeader.Kind.SEVERAL) {
            throw new BerthException(400, "invalid_request",
                    "Send one Authorization header: Authorization: Bearer berth_….", null);
        }
        if (header.kind() == TokenHeader.Kind.NONE || header.kind() == TokenHeader.Kind.OTHER_SCHEME) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"berth\"");
            throw new BerthException(401, "unauthorized",
                    "Send an API token: Authorization: Bearer berth_… (create one under \"API tokens\").", null);
        }
        String address = clients.of(ctx.req().getRemoteAddr(),
                java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        LoginThrottle.Verdict verdict = throttle.checkToken(address);
        if (!verdict.allowed()) { // an address guessing tokens: refused before any lookup
            ctx.header("Retry-After", Long.toString(verdict.retryAfterSeconds()));
            throw new BerthException(429, "too_many_requests", "Too many bad tokens from this address: wait "
                    + verdict.retryAfterSeconds() + " s.", null);
        }
        Tokens.Token token = tokens.resolve(header).orElseThrow(() -> {
            throttle.failedToken(address);
            ctx.header("WWW-Authenticate", "Bearer realm=\"berth\", error=\"invalid_token\"");
            return new BerthException(401, "invalid_token", "This token is unknown, expired or revoked.", null);
        });
        Tokens.Scope needed = needed(ctx.method(), path);
        if (!token.allows(needed)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"berth\", error=\"insufficient_scope\", scope=\""
                    + needed.id() + "\"");
            throw new BerthException(403, "insufficient_scope",
                    "This token lacks the \"" + needed.id() + "\" scope this request needs.", null);
        }
        if (needed == Tokens.Scope.ADMIN && !token.user().admin()) {
            throw BerthException.forbidden("Only admins may use this endpoint.");
        }
        if ((path.endsWith("/progress") || path.endsWith("/stream"))
                && (ctx.header("Accept") == null || !ctx.header("Accept").contains("text/event-stream"))) {
            throw new BerthException(406, "not_acceptable", "This is a stream of server-sent events: send"
                    + " \"Accept: text/event-stream\" (curl -N -H 'Accept: text/event-stream' …).", null);
        }
        ctx.attribute(TOKEN, token);
        ctx.attribute(ACTOR, token.user().username());
        ctx.attribute(Session.ATTRIBUTE, Session.ofToken(token.user(), token.id()));
    }

    /**
     * The scope a request needs. Token management needs its own scope, {@code tokens}: with {@code read} alone a
     * script could otherwise mint itself a successor or revoke its owner's other tokens.
     */
    static Tokens.Scope needed(HandlerType method, String path) {
        if (path.startsWith(ApiV1.BASE + "/admin/")) {
            return Tokens.Scope.ADMIN;
        }
        if (path.equals(ApiV1.BASE + "/tokens") || path.startsWith(ApiV1.BASE + "/tokens/")) {
            return Tokens.Scope.TOKENS;
        }
        boolean reads = method == HandlerType.GET || method == HandlerType.HEAD;
        if (reads) {
            return Tokens.Scope.READ;
        }
        return Tokens.Scope.LAUNCH;
    }
}
