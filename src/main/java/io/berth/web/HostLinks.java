package io.berth.web;

import io.berth.model.BerthException;
import io.berth.proxy.HostHandoff;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /hosts/open/<owner>/<stack>/<service>?next=/path}: the portal's side of opening a host-routed service.
 * The browser arrives here with its portal session (a visitor without one logs in first and comes back) and
 * leaves for the service host with a one-time ticket ({@link HostHandoff}).
 */
public final class HostLinks {
    private final HostHandoff handoff;

    public HostLinks(HostHandoff handoff) {
        this.handoff = handoff;
    }

    public void register(RoutesConfig routes) {
        routes.get("/hosts/open/{owner}/{stack}/{service}", this::open);
    }

    private void open(Context ctx) {
        String target = handoff.open(Guard.session(ctx), ctx.pathParam("owner"), ctx.pathParam("stack"),
                ctx.pathParam("service"), ctx.queryParam("next")).orElseThrow(() -> BerthException.notFound(
                "There is no such service, or it is not shared with you."));
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.redirect(target);
    }
}
