package io.berth.api;

import io.berth.model.OwnerKind;
import io.berth.model.Stack;
import io.berth.stacks.Provisioning;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.stacks.StackDetails;
import io.javalin.config.RoutesConfig;
import java.util.List;

/**
 * {@code GET /api/v1/site/{name}/connection}: the caller's own connection strings for a site service of their
 * audience, their account in it made first when needed ({@link Provisioning}); 404 outside its audience, 409 while
 * it does not run, 502 {@code provisioning_failed} when its provision command fails.
 */
public final class ApiSite {
    /** The answer: which site service, and how the caller connects to it. */
    record ConnectionView(String stack, List<StackDetails.Connection> connections) { }

    private final StackAccess access;
    private final Provisioning provisioning;

    public ApiSite(StackAccess access, Provisioning provisioning) {
        this.access = access;
        this.provisioning = provisioning;
    }

    public void register(RoutesConfig routes) {
        routes.get(ApiV1.BASE + "/site/{name}/connection", ctx -> {
            Stack stack = access.require(ApiV1.caller(ctx), OwnerKind.SITE_ACCOUNT, ctx.pathParam("name"),
                    Action.OPEN);
            Bodies.send(ctx, 200, new ConnectionView(stack.name(),
                    provisioning.connectionsFor(ApiV1.caller(ctx), stack)));
        });
    }
}
