package io.berth.web;

import io.berth.auth.Session;
import io.berth.auth.Sessions;
import io.berth.auth.oidc.OidcLogin;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.stacks.StackAccess;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Runs before every page: finds the session, sends anonymous browsers to the login page (and back afterwards),
 * and refuses state-changing requests without the session's CSRF token or from another origin.
 */
public final class Guard {
    static final String SESSION = Session.ATTRIBUTE;
    private static final Set<String> PUBLIC = Set.of("/login", "/healthz", "/readyz", "/metrics", JwksPage.PATH,
            OidcLogin.START_PATH, OidcLogin.CALLBACK_PATH, OidcLogin.SWITCH_PATH);

    private final Sessions sessions;

    public Guard(Sessions sessions) {
        this.sessions = sessions;
    }

    public void before(Context ctx) {
        String path = ctx.path();
        if (path.startsWith("/api/")) {
            return; // the API authenticates by token only (ApiAuth, in the api package): no cookies, so no CSRF either
        }
        sessions.resolve(ctx.cookie(sessions.cookieName())).ifPresent(s -> ctx.attribute(SESSION, s));
        boolean mutating = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
        if (mutating && !sameOrigin(ctx)) {
            throw BerthException.forbidden("This form was sent from another site; reload the page and try again.");
        }
        if (PUBLIC.contains(path) || path.startsWith("/static/")) {
            return;
        }
        Session session = ctx.attribute(SESSION);
        if (session == null) {
            if (ctx.method() == HandlerType.GET) {
                ctx.redirect("/login?next=" + java.net.URLEncoder.encode(ctx.fullUrl().substring(
                        ctx.fullUrl().indexOf(path)), StandardCharsets.UTF_8));
                ctx.skipRemainingHandlers();
                return;
            }
            throw new BerthException(401, "unauthorized", "Your session has ended; log in again.", null);
        }
        if (mutating) {
            String sent = ctx.formParam("_csrf");
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                    session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw BerthException.forbidden("This form has expired; reload the page and try again.");
            }
        }
    }

    /** A mutating request must come from our own pages: its Origin (when the browser sends one) is our host. */
    private static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true;
        }
        String host = ctx.header("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    static Session session(Context ctx) {
        Session s = ctx.attribute(SESSION);
        if (s == null) {
            throw new BerthException(401, "unauthorized", "Log in first.", null);
        }
        return s;
    }

    /**
     * The stack the path names ({@code {owner}/{name}}) if the signed-in caller may do {@code action} with it;
     * {@link StackAccess#require} answers 404 or 403 otherwise.
     */
    static Stack stack(Context ctx, StackAccess access, StackAccess.Action action) {
        return access.require(session(ctx).user(), ctx.pathParam("owner"), ctx.pathParam("name"), action);
    }

    /** Admin pages answer 404 to everyone else, as if they did not exist. */
    static void requireAdmin(Context ctx) {
        if (!session(ctx).user().admin()) {
            throw BerthException.notFound("No such page.");
        }
    }

    static Page page(Context ctx) {
        Session s = ctx.attribute(SESSION);
        String notice = ctx.queryParam("notice");
        return s == null ? Page.anonymous() : new Page(s.user(), s.csrfToken(), notice, 0, false);
    }

    /** Only local paths are followed after login, so the login page cannot be used to send users elsewhere. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.chars().anyMatch(c -> c < 0x20)) {
            return "/dashboard";
        }
        return next;
    }
}
