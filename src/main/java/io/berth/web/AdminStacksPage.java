package io.berth.web;

import io.berth.model.Amounts;
import io.berth.model.Stack;
import io.berth.store.StackStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/stacks}: every stack of every user with what it takes (containers, CPU, memory) and its state;
 * admins stop or delete any of them from here (the stack page's own actions, which admins may use).
 */
public final class AdminStacksPage {
    /** One stack's row. */
    public record Row(Stack stack, String containers, String cpu, String memory) { }

    private final StackStore store;
    private final Views views;

    public AdminStacksPage(StackStore store, Views views) {
        this.store = store;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/stacks", this::show);
    }

    private void show(Context ctx) {
        Guard.requireAdmin(ctx);
        Map<Long, Amounts> takes = store.takes();
        List<Row> rows = store.all().stream().map(s -> {
            Amounts a = takes.getOrDefault(s.id(), Amounts.NONE);
            return new Row(s, String.valueOf(a.containers()), Amounts.cpu(a.cpuMillis()), Amounts.memory(a.memoryBytes()));
        }).toList();
        views.render(ctx, "admin_stacks.jte", Map.of("page", Guard.page(ctx), "rows", rows));
    }
}
