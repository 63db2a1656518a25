package io.berth.web;

import io.berth.backend.Backend;
import io.berth.store.Database;
import io.javalin.config.RoutesConfig;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (the database answers and the backend is available),
 * for load balancers and orchestrators; both public (see {@link Guard}).
 */
public final class Health {
    private final Database db;
    private final Backend backend;

    public Health(Database db, Backend backend) {
        this.db = db;
        this.backend = backend;
    }

    public void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> ctx.result("ok"));
        routes.get("/readyz", ctx -> {
            boolean ok = db.answers() && backend.unavailable().isEmpty();
            ctx.status(ok ? 200 : 503).result(ok ? "ready" : "not ready");
        });
    }
}
