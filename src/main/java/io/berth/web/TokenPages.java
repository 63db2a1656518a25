package io.berth.web;

import io.berth.audit.Audit;
import io.berth.auth.Tokens;
import io.berth.model.BerthException;
import io.berth.model.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /tokens}: a user's API tokens — list, create (the secret is shown once, on the page that created it) and
 * revoke.
 */
public final class TokenPages {
    private final Tokens tokens;
    private final Views views;

    public TokenPages(Tokens tokens, Views views) {
        this.tokens = tokens;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/tokens", ctx -> show(ctx, 200, null, null));
        routes.post("/tokens", this::create);
        routes.post("/tokens/{id}/revoke", this::revoke);
    }

    private void show(Context ctx, int status, String created, BerthException error) {
        User user = Guard.session(ctx).user();
        Map<String, Object> params = new HashMap<>();
        params.put("page", Guard.page(ctx));
        params.put("tokens", tokens.of(user));
        params.put("scopes", List.of(Tokens.Scope.values()).stream()
                .filter(s -> s != Tokens.Scope.ADMIN || user.admin()).map(Tokens.Scope::id).toList());
        params.put("created", created);
        params.put("error", error == null ? null : error.getMessage());
        params.put("errorField", error == null ? null : error.field());
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        views.render(ctx, "tokens.jte", params);
    }

    private void create(Context ctx) {
        User user = Guard.session(ctx).user();
        try {
            int days = parseDays(ctx.formParam("expires_days"));
            ctx.attribute(Audit.TARGET, ctx.formParam("name"));
            String secret = tokens.create(user, ctx.formParam("name"), Tokens.parseScopes(ctx.formParams("scope")), days);
            show(ctx, 201, secret, null);
        } catch (BerthException e) {
            show(ctx, e.status(), null, e);
        }
    }

    private void revoke(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw BerthException.notFound("There is no such token.");
        }
        if (!tokens.revoke(Guard.session(ctx).user(), id)) {
            throw BerthException.notFound("There is no such token.");
        }
        ctx.redirect("/tokens");
    }

    private static int parseDays(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw BerthException.badRequest("expires_days", "Expiry must be a whole number of days (0: never).");
        }
    }
}
