package io.berth.web;

import io.berth.api.ApiBackups;
import io.berth.auth.Session;
import io.berth.backups.BackupService;
import io.berth.model.Stack;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.javalin.config.RoutesConfig;

/**
 * The stack page's backup actions: "Back up now" (a form with the page's CSRF token, like the other stack actions)
 * and a finished backup's download. Who may: those who may change the stack ({@link Action#CHANGE}).
 */
public final class BackupPages {
    private final StackAccess access;
    private final BackupService backups;

    public BackupPages(StackAccess access, BackupService backups) {
        this.access = access;
        this.backups = backups;
    }

    public void register(RoutesConfig routes) {
        routes.post("/stacks/{owner}/{name}/backups", ctx -> {
            Stack stack = Guard.stack(ctx, access, Action.CHANGE);
            Session session = Guard.session(ctx);
            backups.start(stack, session.user().username(), "manual");
            ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name() + "#backups");
        });
        routes.get("/stacks/{owner}/{name}/backups/{id}/file",
                ctx -> ApiBackups.download(ctx, backups, Guard.stack(ctx, access, Action.CHANGE)));
    }
}
