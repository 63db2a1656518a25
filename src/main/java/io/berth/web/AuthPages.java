package io.berth.web;

import io.berth.audit.Audit;
import io.berth.auth.Accounts;
import io.berth.auth.LoginThrottle;
import io.berth.auth.Names;
import io.berth.auth.Sessions;
import io.berth.auth.SsoAccounts;
import io.berth.auth.oidc.OidcLogin;
import io.berth.config.BerthConfig;
import io.berth.model.BerthException;
import io.berth.model.User;
import io.berth.proxy.ClientAddress;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging in and out: with a local password, and with single sign-on ({@link OidcLogin}) when configured. With
 * {@code auth.local.enabled: false} only admins may use a password (break-glass, for when the provider is down).
 */
public final class AuthPages {
    private static final Logger LOG = LoggerFactory.getLogger(AuthPages.class);

    private final Accounts accounts;
    private final Sessions sessions;
    private final Views views;
    private final boolean localForEveryone;
    private final OidcLogin sso;
    private final SsoAccounts ssoAccounts;
    private final Supplier<String> portalUrl;
    private final LoginThrottle throttle;
    private final ClientAddress clients;

    public AuthPages(Accounts accounts, Sessions sessions, Views views, BerthConfig.Auth config, OidcLogin sso,
                     SsoAccounts ssoAccounts, Supplier<String> portalUrl, LoginThrottle throttle,
                     ClientAddress clients) {
        this.throttle = throttle;
        this.clients = clients;
        this.accounts = accounts;
        this.sessions = sessions;
        this.views = views;
        this.localForEveryone = config.local.enabled;
        this.sso = sso;
        this.ssoAccounts = ssoAccounts;
        this.portalUrl = portalUrl;
    }

    public void register(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.redirect(ctx.attribute(Guard.SESSION) == null ? "/login" : "/dashboard"));
        routes.get("/login", ctx -> showLogin(ctx, 200, "", null));
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
        if (sso.enabled()) {
            routes.get(OidcLogin.START_PATH, this::beginSso);
            routes.get(OidcLogin.CALLBACK_PATH, this::finishSso);
            routes.get(OidcLogin.SWITCH_PATH, ctx -> ctx.redirect(sso.switchAccount(ctx.queryParam("k"),
                    portalUrl.get() + "/login")));
        }
    }

    private void showLogin(Context ctx, int status, String username, String error) {
        showLogin(ctx, status, username, error, null);
    }

    /** @param switchAccount a link that ends the provider's session first, after a refused sign-in; or null */
    private void showLogin(Context ctx, int status, String username, String error, String switchAccount) {
        Map<String, Object> params = new HashMap<>();
        params.put("switchAccount", switchAccount);
        params.put("page", Page.anonymous());
        params.put("next", Guard.safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
        params.put("username", username);
        params.put("error", error);
        params.put("sso", sso.enabled() ? sso.displayName() : null);
        params.put("localForEveryone", localForEveryone);
        ctx.status(status);
        views.render(ctx, "login.jte", params);
    }

    private void login(Context ctx) {
        String username = Optional.ofNullable(ctx.formParam("username")).orElse("");
        ctx.attribute(Audit.ACTOR, username.length() > 64 ? username.substring(0, 64) : username);
        String address = clients.of(ctx.req().getRemoteAddr(),
                java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        LoginThrottle.Verdict verdict = throttle.check(username, address);
        if (!verdict.allowed()) { // refused before the password is hashed: a locked try costs nothing
            ctx.attribute(Audit.DETAIL, verdict.locked() ? "locked: too many failed logins" : "too soon after a failed login");
            ctx.header("Retry-After", Long.toString(verdict.retryAfterSeconds()));
            showLogin(ctx, 429, username, (verdict.locked() ? "Too many failed logins: logging in is locked here"
                    : "Too many failed logins: wait") + " for " + verdict.retryAfterSeconds() + " s, or ask an"
                    + " administrator to unlock it.");
            return;
        }
        LoginThrottle.Claim claim = throttle.claim(address);
        if (claim == null) { // more parallel tries from this address than it may run: each would cost a hash
            ctx.attribute(Audit.DETAIL, "too many logins at once from this address");
            ctx.header("Retry-After", "1");
            showLogin(ctx, 429, username, "Too many logins at once from here: try again in a second.");
            return;
        }
        Optional<User> user;
        try (claim) {
            user = accounts.authenticate(username, ctx.formParam("password"));
            if (user.isEmpty()) {
                throttle.failedLogin(username, address); // counted before the claim ends
            }
        }
        if (user.isEmpty()) {
            LOG.info("failed login for \"{}\" from {}", username, address);
            ctx.attribute(Audit.DETAIL, "wrong user name or password");
            showLogin(ctx, 401, username, "Wrong user name or password.");
            return;
        }
        if (!localForEveryone && !user.get().admin()) {
            LOG.info("password login of \"{}\" refused: local accounts are off for users", username);
            showLogin(ctx, 403, username, "Log in with " + sso.displayName() + " instead; passwords are for"
                    + " administrators only here.");
            return;
        }
        throttle.succeeded(username, address);
        startSession(ctx, user.get(), null, null);
        ctx.redirect(Guard.safeNext(ctx.formParam("next")));
    }

    private void beginSso(Context ctx) {
        try {
            ctx.redirect(sso.begin(ctx, Guard.safeNext(ctx.queryParam("next"))));
        } catch (BerthException e) {
            showLogin(ctx, e.status(), "", e.getMessage());
        }
    }

    private void finishSso(Context ctx) {
        ctx.attribute(Audit.ACTION, "login.sso");
        OidcLogin.SignIn signIn;
        try {
            signIn = sso.finish(ctx);
        } catch (BerthException e) {
            ctx.attribute(Audit.DETAIL, e.getMessage());
            showLogin(ctx, e.status(), "", e.getMessage());
            return;
        }
        String key = Names.key(signIn.identity().username());
        ctx.attribute(Audit.ACTOR, key.length() > Names.MAX_KEY ? key.substring(0, Names.MAX_KEY) : key);
        try {
            User user = ssoAccounts.signIn(signIn.identity());
            startSession(ctx, user, signIn.identity().idToken(), signIn.identity().refreshToken());
            ctx.redirect(Guard.safeNext(signIn.next()));
        } catch (BerthException e) { // the provider signed them in, Berth refuses: offer to sign in as someone else
            ctx.attribute(Audit.DETAIL, e.getMessage());
            showLogin(ctx, e.status(), "", e.getMessage(), sso.switchLink(signIn.identity().idToken()));
        }
    }

    /** A fresh session id at every login (no fixation); the browser's previous session, if any, ends. */
    private void startSession(Context ctx, User user, String idToken, String refreshToken) {
        String old = ctx.cookie(sessions.cookieName());
        if (old != null) {
            sessions.end(old);
        }
        setCookie(ctx, sessions.start(user, idToken, refreshToken), -1);
        LOG.info("user \"{}\" logged in from {}{}", user.username(), ctx.ip(), idToken == null ? "" : " (single sign-on)");
    }

    /** Ends the Berth session and, after a single sign-on, the provider's session too (RP-initiated logout). */
    private void logout(Context ctx) {
        String cookie = ctx.cookie(sessions.cookieName());
        String idToken = sso.enabled() ? sessions.idToken(cookie).orElse(null) : null;
        sessions.end(cookie);
        setCookie(ctx, "", 0);
        String atProvider = idToken == null ? null : sso.logoutUrl(idToken, portalUrl.get() + "/login");
        ctx.redirect(atProvider != null ? atProvider : "/login");
    }

    private void setCookie(Context ctx, String value, int maxAge) {
        ctx.res().addHeader("Set-Cookie", sessions.cookieName() + "=" + value + sessions.cookieAttributes()
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : ""));
    }
}
