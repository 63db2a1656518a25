package io.berth.web;

import io.berth.audit.Audit;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.stacks.Sharing;
import io.berth.store.StackStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Sharing from the stack page: its owner (or an admin) shares it with a user or a group, and revokes a share —
 * which also closes the WebSockets the revoked users still have open.
 */
final class SharePages {
    private final StackStore store;
    private final Sharing sharing;

    SharePages(StackStore store, Sharing sharing) {
        this.store = store;
        this.sharing = sharing;
    }

    void register(RoutesConfig routes) {
        routes.post("/stacks/{owner}/{name}/shares", this::share);
        routes.post("/stacks/{owner}/{name}/shares/{kind}/{subject}/revoke", this::revoke);
    }

    private void share(Context ctx) {
        Stack stack = StackPages.visible(ctx, store);
        Sharing.requireChange(sharing, Guard.session(ctx).user(), stack);
        String kind = ctx.formParam("kind") == null ? "user" : ctx.formParam("kind");
        ctx.attribute(Audit.TARGET, stack.owner() + "/" + stack.name() + " " + kind + ":"
                + ctx.formParam("with"));
        try {
            sharing.share(stack, kind, ctx.formParam("with"));
        } catch (BerthException e) {
            back(ctx, stack, e.getMessage());
            return;
        }
        back(ctx, stack, "Shared with " + kind + " " + ctx.formParam("with").trim() + ".");
    }

    private void revoke(Context ctx) {
        Stack stack = StackPages.visible(ctx, store);
        Sharing.requireChange(sharing, Guard.session(ctx).user(), stack);
        sharing.revoke(stack, ctx.pathParam("kind"), ctx.pathParam("subject"));
        back(ctx, stack, "No longer shared with " + ctx.pathParam("kind") + " " + ctx.pathParam("subject") + ".");
    }

    private static void back(Context ctx, Stack stack, String notice) {
        ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name() + "?notice="
                + java.net.URLEncoder.encode(notice, java.nio.charset.StandardCharsets.UTF_8) + "#sharing");
    }
}
