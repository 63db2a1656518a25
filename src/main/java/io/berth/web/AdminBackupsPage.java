package io.berth.web;

import io.berth.store.StackBackupStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/backups}: what every owner's backups hold (finished ones, bytes, failed rows), the backups running
 * now and the latest failures with the end of their output, so admins see space used and what fails.
 */
public final class AdminBackupsPage {
    /** One owner's line: counts and their bytes in binary units. */
    public record OwnerLine(String owner, long done, String size, long failed) { }

    private static final int SHOWN = 50;

    private final StackBackupStore store;
    private final Views views;

    public AdminBackupsPage(StackBackupStore store, Views views) {
        this.store = store;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/backups", this::show);
    }

    private void show(Context ctx) {
        Guard.requireAdmin(ctx);
        List<StackBackupStore.OwnerTotal> totals = store.totals();
        List<OwnerLine> owners = totals.stream().map(t -> new OwnerLine(t.owner(), t.done(), UsageRows.bytes(t.bytes()),
                t.failed())).toList();
        views.render(ctx, "admin_backups.jte", Map.of("page", Guard.page(ctx), "owners", owners,
                "total", UsageRows.bytes(totals.stream().mapToLong(StackBackupStore.OwnerTotal::bytes).sum()),
                "running", store.latest(StackBackupStore.RUNNING, SHOWN),
                "failed", store.latest(StackBackupStore.FAILED, SHOWN)));
    }
}
