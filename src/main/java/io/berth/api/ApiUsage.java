package io.berth.api;

import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.usage.UsageHistory;
import io.berth.usage.UsageHistory.Range;
import io.javalin.config.RoutesConfig;

/**
 * {@code GET /api/v1/stacks/{owner}/{name}/usage?range=1h|24h|7d}: what a stack's services use now and over the
 * range ({@link io.berth.usage.UsageReport}), for whoever may view the stack.
 */
public final class ApiUsage {
    private final StackAccess access;
    private final UsageHistory usage;

    public ApiUsage(StackAccess access, UsageHistory usage) {
        this.access = access;
        this.usage = usage;
    }

    public void register(RoutesConfig routes) {
        routes.get(ApiV1.BASE + "/stacks/{owner}/{name}/usage", ctx -> {
            Stack stack = ApiV1.stack(ctx, access, Action.VIEW);
            String key = ctx.queryParam("range") == null ? Range.HOUR.key : ctx.queryParam("range");
            Range range = Range.of(key).orElseThrow(() -> BerthException.badRequest("range",
                    "range is \"" + key + "\"; use 1h, 24h or 7d."));
            Bodies.send(ctx, 200, usage.report(stack, range));
        });
    }
}
