package io.berth.api;

import io.berth.audit.Audit;
import io.berth.audit.AuditFilter;
import io.berth.auth.Accounts;
import io.berth.auth.LoginThrottle;
import io.berth.model.Amounts;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.User;
import io.berth.quota.Quotas;
import io.berth.store.AuditStore;
import io.berth.store.GroupStore;
import io.berth.store.StackStore;
import io.berth.store.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/** {@code /api/v1/admin/…}: users, groups, every stack, login locks and the audit log; needs an admin's token with the {@code admin} scope. */
public final class ApiAdmin {
    private final Accounts accounts;
    private final UserStore users;
    private final GroupStore groups;
    private final StackStore store;
    private final AuditStore audit;
    private final Quotas quotas;
    private final Supplier<String> portalUrl;
    private final LoginThrottle throttle;

    public ApiAdmin(Accounts accounts, UserStore users, GroupStore groups, StackStore store,
                    AuditStore audit, Quotas quotas, Supplier<String> portalUrl,
                    LoginThrottle throttle) {
        this.throttle = throttle;
        this.audit = audit;
        this.quotas = quotas;
        this.accounts = accounts;
        this.users = users;
        this.groups = groups;
        this.store = store;
        this.portalUrl = portalUrl;
    }

    record UserView(String username, boolean admin, boolean localPassword, List<String> groups) { }

    record NewUser(String username, String password, Boolean admin) { }

    record GroupView(String name, List<String> members) { }

    /** A user's limits as an admin sets them: null keeps the default, 0 means no limit. */
    record NewLimits(Integer stacks, Integer containers, Double cpu, String memory) { }

    record QuotaView(String username, Amounts used, Amounts limits) { }

    public void register(RoutesConfig routes) {
        String base = ApiV1.BASE + "/admin";
        routes.get(base + "/users", ctx -> Bodies.send(ctx, 200, users.all().stream()
                .filter(u -> u.kind() == OwnerKind.USER).map(this::view).toList()));
        routes.post(base + "/users", this::createUser);
        routes.get(base + "/groups", ctx -> Bodies.send(ctx, 200, groups.all().entrySet().stream()
                .map(e -> new GroupView(e.getKey(), e.getValue())).toList()));
        routes.get(base + "/quotas", ctx -> Bodies.send(ctx, 200, users.all().stream()
                .filter(u -> u.kind() != OwnerKind.SITE).map(u -> new QuotaView(
                u.username(), quotas.usageOfUser(u.id()), quotas.limitsOf(u))).toList()));
        routes.put(base + "/quotas/users/{name}", this::setLimits);
        routes.get(base + "/audit", ctx -> Bodies.send(ctx, 200, audit.find(AuditFilter.from(ctx))));
        routes.get(base + "/stacks", ctx -> Bodies.send(ctx, 200, store.all().stream()
                .map(s -> Views.StackView.of(s, portalUrl.get())).toList()));
        routes.get(base + "/locks", ctx -> Bodies.send(ctx, 200, throttle.locks()));
        routes.delete(base + "/locks/{key}", ctx -> {
            if (!throttle.unlock(ctx.pathParam("key"))) {
                throw BerthException.notFound("No such lock (it may have ended by itself).");
            }
            ctx.status(204);
        });
    }

    private UserView view(User u) {
        return new UserView(u.username(), u.admin(), u.passwordHash() != null, groups.groupsOf(u.id()));
    }

    private void setLimits(Context ctx) {
        User user = users.byName(ctx.pathParam("name")).orElseThrow(() -> BerthException.notFound(
                "No such user."));
        NewLimits body = Bodies.read(ctx, NewLimits.class);
        ApiV1.semantic(() -> {
            quotas.setLimits(user, str(body.stacks()), str(body.containers()), str(body.cpu()), body.memory());
            return null;
        });
        Bodies.send(ctx, 200, new QuotaView(user.username(), quotas.usageOfUser(user.id()),
                quotas.limitsOf(user)));
    }

    private static String str(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private void createUser(Context ctx) {
        NewUser body = Bodies.read(ctx, NewUser.class);
        ctx.attribute(Audit.TARGET, body.username());
        User made = ApiV1.semantic(() -> accounts.create(body.username(), body.password(),
                Boolean.TRUE.equals(body.admin())));
        Bodies.send(ctx, 201, view(made));
    }
}
