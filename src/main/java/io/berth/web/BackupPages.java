package io.berth.web;

import io.berth.api.ApiBackups;
import io.berth.auth.Session;
import io.berth.backups.BackupService;
import io.berth.backups.Restores;
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
    private final Restores restores;

    public BackupPages(StackAccess access, BackupService backups, Restores restores) {
        this.access = access;
        this.backups = backups;
        this.restores = restores;
    }

    public void register(RoutesConfig routes) {
        routes.post("/stacks/{owner}/{name}/backups", ctx -> {
            Stack stack = Guard.stack(ctx, access, Action.CHANGE);
            Session session = Guard.session(ctx);
            backups.start(stack, session.user().username(), "manual");
            ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name()); // no #fragment: a meta refresh would not reload
        });
        routes.get("/stacks/{owner}/{name}/backups/{id}/file",
                ctx -> ApiBackups.download(ctx, backups, Guard.stack(ctx, access, Action.CHANGE)));
        routes.post("/backups/{id}/restore", ctx -> {
            Session session = Guard.session(ctx);
            String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").trim();
            Stack stack = restores.restoreDeleted(session.user(), ApiBackups.id(ctx), name,
                    session.user().username());
            ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name());
        });
        routes.post("/stacks/{owner}/{name}/backups/{id}/restore", ctx -> {
            Stack stack = Guard.stack(ctx, access, Action.CHANGE);
            restores.restore(stack, ApiBackups.id(ctx), Guard.session(ctx).user().username());
            ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name());
        });
        routes.post("/stacks/{owner}/{name}/backups/{id}/clone", ctx -> {
            Stack stack = Guard.stack(ctx, access, Action.CHANGE);
            String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").trim();
            Stack clone = restores.cloneInto(stack, ApiBackups.id(ctx), name, Guard.session(ctx).user().username());
            ctx.redirect("/stacks/" + clone.owner() + "/" + clone.name());
        });
    }
}
