package io.berth.web;

import io.berth.audit.Audit;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.stacks.Sharing;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.store.ShareStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Sharing from the stack page: whoever may manage the stack ({@link StackAccess}: its owner, an admin, a group's
 * members or admins) shares it with a user or a group, and revokes a share — which also closes the WebSockets the
 * revoked users still have open.
 */
public final class SharePages {
    private final StackAccess access;
    private final Sharing sharing;

    public SharePages(StackAccess access, Sharing sharing) {
        this.access = access;
        this.sharing = sharing;
    }

    public void register(RoutesConfig routes) {
        routes.post("/stacks/{owner}/{name}/shares", this::share);
        routes.post("/stacks/{owner}/{name}/shares/{kind}/{subject}/revoke", this::revoke);
    }

    private void share(Context ctx) {
        Stack stack = Guard.stack(ctx, access, Action.MANAGE);
        String kind = ctx.formParam("kind") == null ? "user" : ctx.formParam("kind");
        ctx.attribute(Audit.TARGET, stack.owner() + "/" + stack.name() + " " + kind + ":"
                + ctx.formParam("with"));
        try {
            sharing.share(stack, kind, ctx.formParam("with"));
        } catch (BerthException e) {
            back(ctx, stack, e.getMessage());
            return;
        }
        back(ctx, stack, ShareStore.EVERYONE.equals(kind) ? "Open to everyone who is signed in."
                : "Shared with " + kind + " " + ctx.formParam("with").trim() + ".");
    }

    private void revoke(Context ctx) {
        Stack stack = Guard.stack(ctx, access, Action.MANAGE);
        sharing.revoke(stack, ctx.pathParam("kind"), ctx.pathParam("subject"));
        back(ctx, stack, "No longer shared with " + ctx.pathParam("kind") + " " + ctx.pathParam("subject") + ".");
    }

    private static void back(Context ctx, Stack stack, String notice) {
        ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name() + "?notice="
                + java.net.URLEncoder.encode(notice, java.nio.charset.StandardCharsets.UTF_8) + "#sharing");
    }
}
