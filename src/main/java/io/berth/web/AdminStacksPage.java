package io.berth.web;

import io.berth.backend.Backend;
import io.berth.backend.HostCapacity;
import io.berth.proxy.Activity;
import io.berth.store.StackStore;
import io.berth.usage.UsageHistory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /admin/stacks}: every stack of every user with what it takes (containers, CPU, memory), what it uses now,
 * how long it has been idle, and its state ({@link AdminStackRows}, sortable with {@code ?sort=cpu|memory|disk|idle});
 * above them what all running services use together, and what the host has when the backend says. Admins stop or delete any stack from here (the stack page's
 * own actions, which admins may use).
 */
public final class AdminStacksPage {
    private final StackStore store;
    private final UsageHistory usage;
    private final Activity activity;
    private final Backend backend;
    private final Views views;

    public AdminStacksPage(StackStore store, UsageHistory usage, Activity activity, Backend backend, Views views) {
        this.store = store;
        this.backend = backend;
        this.usage = usage;
        this.activity = activity;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/stacks", this::show);
    }

    private void show(Context ctx) {
        Guard.requireAdmin(ctx);
        CurrentUse current = new CurrentUse(usage.latest());
        // traffic the proxy saw but has not written to the store yet is newer than the store's
        Map<Long, Instant> traffic = new HashMap<>(store.lastActivities());
        activity.lastSeenByStack().forEach((id, at) -> traffic.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
        Optional<AdminStackRows.Sort> sort = AdminStackRows.Sort.of(ctx.queryParam("sort"));
        List<AdminStackRows.Row> rows = AdminStackRows.of(new AdminStackRows.Inputs(store.all(), store.takes(),
                current, usage.volumeSizes(), traffic, Instant.now()), sort);
        Map<String, Object> params = new HashMap<>();
        params.put("page", Guard.page(ctx));
        params.put("rows", rows);
        params.put("sort", sort.map(s -> s.key).orElse(""));
        params.put("totalCpu", CurrentUse.cores(current.total().cpuCores()));
        params.put("totalMemory", UsageRows.bytes(current.total().memoryBytes()));
        Optional<HostCapacity> host = backend.capacity();
        params.put("hostCores", host.map(h -> String.valueOf(h.cores())).orElse(""));
        params.put("hostMemory", host.map(h -> UsageRows.bytes(h.memoryBytes())).orElse(""));
        views.render(ctx, "admin_stacks.jte", params);
    }
}
