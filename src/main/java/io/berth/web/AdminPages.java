package io.berth.web;

import io.berth.audit.Audit;
import io.berth.auth.Accounts;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.store.GroupStore;
import io.berth.store.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/** Admin pages: the users, and creating local accounts. */
public final class AdminPages {
    private final Accounts accounts;
    private final UserStore users;
    private final Views views;

    private final GroupStore groups;

    public AdminPages(Accounts accounts, UserStore users, Views views, GroupStore groups) {
        this.groups = groups;
        this.accounts = accounts;
        this.users = users;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/users", ctx -> show(ctx, 200, null));
        routes.post("/admin/users", this::create);
    }

    private void show(Context ctx, int status, String error) {
        Guard.requireAdmin(ctx);
        Map<String, Object> params = new HashMap<>();
        params.put("page", Guard.page(ctx));
        params.put("users", users.all().stream().filter(u -> u.kind() == OwnerKind.USER).toList());
        params.put("groups", groups.all());
        params.put("error", error);
        ctx.status(status);
        views.render(ctx, "users.jte", params);
    }

    private void create(Context ctx) {
        Guard.requireAdmin(ctx);
        ctx.attribute(Audit.TARGET, ctx.formParam("username"));
        try {
            accounts.create(ctx.formParam("username"), ctx.formParam("password"), "true".equals(ctx.formParam("admin")));
        } catch (BerthException e) {
            show(ctx, e.status(), e.getMessage());
            return;
        }
        ctx.redirect("/admin/users");
    }

}
