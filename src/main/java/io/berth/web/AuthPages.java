package io.berth.web;

import io.berth.auth.Accounts;
import io.berth.auth.Sessions;
import io.berth.auth.User;
import io.berth.config.BerthConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Login and logout with local accounts. SSO (OIDC) will add its own button and callback beside these. */
final class AuthPages {
    private static final Logger LOG = LoggerFactory.getLogger(AuthPages.class);

    private final Accounts accounts;
    private final Sessions sessions;
    private final Views views;
    private final boolean secureCookies;

    AuthPages(Accounts accounts, Sessions sessions, Views views, BerthConfig.Auth config) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.views = views;
        this.secureCookies = config.secureCookies;
    }

    void register(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.redirect(ctx.attribute(Guard.SESSION) == null ? "/login" : "/dashboard"));
        routes.get("/login", ctx -> showLogin(ctx, 200, "", null));
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
    }

    private void showLogin(Context ctx, int status, String username, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("page", Page.anonymous());
        params.put("next", Guard.safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
        params.put("username", username);
        params.put("error", error);
        ctx.status(status);
        views.render(ctx, "login.jte", params);
    }

    private void login(Context ctx) {
        String username = Optional.ofNullable(ctx.formParam("username")).orElse("");
        Optional<User> user = accounts.authenticate(username, ctx.formParam("password"));
        if (user.isEmpty()) {
            LOG.info("failed login for \"{}\" from {}", username, ctx.ip());
            showLogin(ctx, 401, username, "Wrong user name or password.");
            return;
        }
        String old = ctx.cookie(Sessions.COOKIE);
        if (old != null) {
            sessions.end(old); // a fresh id at every login: no session fixation
        }
        setCookie(ctx, sessions.start(user.get()), -1);
        LOG.info("user \"{}\" logged in from {}", user.get().username(), ctx.ip());
        ctx.redirect(Guard.safeNext(ctx.formParam("next")));
    }

    private void logout(Context ctx) {
        sessions.end(ctx.cookie(Sessions.COOKIE));
        setCookie(ctx, "", 0);
        ctx.redirect("/login");
    }

    private void setCookie(Context ctx, String value, int maxAge) {
        ctx.res().addHeader("Set-Cookie", Sessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Lax"
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "") + (secureCookies ? "; Secure" : ""));
    }
}
