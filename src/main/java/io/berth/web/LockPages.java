package io.berth.web;

import io.berth.audit.Audit;
import io.berth.auth.LoginThrottle;
import io.berth.model.BerthException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /admin/locks}: the login locks in force (an address, an account at an address, an account) with their
 * failures and end; an admin ends one early. Locks and unlocks both land in the audit log ({@code login.lock},
 * {@code login.unlock}).
 */
public final class LockPages {
    private final LoginThrottle throttle;
    private final Views views;

    public LockPages(LoginThrottle throttle, Views views) {
        this.throttle = throttle;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/locks", this::show);
        routes.post("/admin/locks/unlock", this::unlock);
    }

    private void show(Context ctx) {
        Guard.requireAdmin(ctx);
        views.render(ctx, "locks.jte", Map.of("page", Guard.page(ctx), "locks", throttle.locks()));
    }

    private void unlock(Context ctx) {
        Guard.requireAdmin(ctx);
        String key = ctx.formParam("key");
        ctx.attribute(Audit.TARGET, key);
        if (key == null || !throttle.unlock(key)) {
            throw BerthException.notFound("No such lock (it may have ended by itself).");
        }
        ctx.redirect("/admin/locks?notice=Unlocked.");
    }
}
