package io.berth.web;

import io.berth.audit.AuditFilter;
import io.berth.store.AuditStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code /admin/audit}: the audit log for admins, newest first, filtered by who, what and when. */
public final class AuditPage {
    private final AuditStore store;
    private final Views views;

    public AuditPage(AuditStore store, Views views) {
        this.store = store;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/audit", this::show);
    }

    private void show(Context ctx) {
        Guard.requireAdmin(ctx);
        AuditStore.Filter filter = AuditFilter.from(ctx);
        List<AuditStore.Entry> entries = store.find(filter);
        Map<String, Object> params = new HashMap<>();
        params.put("page", Guard.page(ctx));
        params.put("entries", entries);
        params.put("actor", filter.actor() == null ? "" : filter.actor());
        params.put("action", filter.action() == null ? "" : filter.action());
        params.put("since", ctx.queryParam("since") == null ? "" : ctx.queryParam("since"));
        params.put("older", entries.size() < filter.limit() ? null : olderLink(ctx, entries.get(entries.size() - 1).id()));
        views.render(ctx, "audit.jte", params);
    }

    private static String olderLink(Context ctx, long lastId) {
        StringBuilder q = new StringBuilder("/admin/audit?before=" + lastId);
        for (String key : List.of("actor", "action", "since", "until", "limit")) {
            String v = ctx.queryParam(key);
            if (v != null && !v.isBlank()) {
                q.append('&').append(key).append('=').append(java.net.URLEncoder.encode(v,
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return q.toString();
    }
}
