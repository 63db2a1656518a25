package io.berth.web;

import io.berth.model.Amounts;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.User;
import io.berth.quota.Quotas;
import io.berth.store.QuotaStore;
import io.berth.store.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** {@code /admin/quotas}: every user's usage against their limits; admins change a user's limits here. */
public final class QuotaPage {
    /** One user's row: usage bars, and their override as the form shows it (blank: the default). */
    public record Row(String username, List<Quotas.Bar> bars, String stacks, String containers, String cpu, String memory) { }

    private final UserStore users;
    private final Quotas quotas;
    private final Views views;

    public QuotaPage(UserStore users, Quotas quotas, Views views) {
        this.users = users;
        this.quotas = quotas;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/quotas", ctx -> show(ctx, 200, null));
        routes.post("/admin/quotas/{user}", this::change);
    }

    private void show(Context ctx, int status, String error) {
        Guard.requireAdmin(ctx);
        // the site's account has no quota of its own: site stacks count against quotas.host only
        List<Row> rows = users.all().stream().filter(u -> u.kind() != OwnerKind.SITE).map(u -> {
            QuotaStore.Override o = quotas.overrideOfUser(u.id());
            return new Row(u.username(), Quotas.bars(quotas.usageOfUser(u.id()), quotas.limitsOf(u)), text(o.stacks()), text(o.containers()),
                    o.cpuMillis() == null ? "" : Amounts.cpu(o.cpuMillis()),
                    o.memoryBytes() == null ? "" : (o.memoryBytes() >> 20) + "m");
        }).toList();
        ctx.status(status);
        views.render(ctx, "quotas.jte", Map.of("page", Guard.page(ctx), "rows", rows, "defaults",
                Quotas.bars(Amounts.NONE, quotas.userDefaults()), "host", Quotas.bars(Amounts.NONE, quotas.host()),
                "error", error == null ? "" : error));
    }

    private void change(Context ctx) {
        Guard.requireAdmin(ctx);
        User user = users.byName(ctx.pathParam("user")).orElseThrow(() -> BerthException.notFound("No such user."));
        try {
            quotas.setLimits(user, ctx.formParam("stacks"), ctx.formParam("containers"), ctx.formParam("cpu"),
                    ctx.formParam("memory"));
        } catch (BerthException e) {
            show(ctx, e.status(), user.username() + ": " + e.getMessage());
            return;
        }
        ctx.redirect("/admin/quotas?notice=" + java.net.URLEncoder.encode("Limits of " + user.username() + " saved.",
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String text(Integer n) {
        return n == null ? "" : String.valueOf(n);
    }

}
