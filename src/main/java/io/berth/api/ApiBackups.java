package io.berth.api;

import io.berth.audit.Audit;
import io.berth.backups.BackupService;
import io.berth.backups.Restores;
import io.berth.backups.Uploads;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.store.StackBackupStore.Row;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Backups of a stack's data through the API: list, take one now, download one. Only those who may change the stack
 * ({@link Action#CHANGE}: its owner, for a group stack those who manage it, and admins) see or touch its backups:
 * a backup holds all of the stack's data and its generated passwords, more than sharing gives.
 */
public final class ApiBackups {
    private final StackAccess access;
    private final BackupService backups;
    private final Restores restores;
    private final Uploads uploads;
    private final Supplier<String> portalUrl;

    public ApiBackups(StackAccess access, BackupService backups, Restores restores, Uploads uploads,
                      Supplier<String> portalUrl) {
        this.access = access;
        this.backups = backups;
        this.restores = restores;
        this.uploads = uploads;
        this.portalUrl = portalUrl;
    }

    /** A backup of a deleted stack of the caller's: the stack's name and template, and the backup. */
    record DeletedView(String stack, String template, BackupView backup) { }

    /** The body of a clone: the new stack's name. */
    record CloneRequest(String name) { }

    /** One backup as the API shows it; {@code output}: why it failed (the end of a command's output), or null. */
    record BackupView(long id, String state, String reason, Instant startedAt, Instant finishedAt, Long bytes,
                      String output, String file) { }

    public void register(RoutesConfig routes) {
        String base = ApiV1.BASE + "/stacks/{owner}/{name}/backups";
        routes.get(base, ctx -> {
            Stack stack = ApiV1.stack(ctx, access, Action.CHANGE);
            Bodies.send(ctx, 200, backups.of(stack).stream().map(r -> view(stack, r)).toList());
        });
        routes.post(base, ctx -> {
            Stack stack = ApiV1.stack(ctx, access, Action.CHANGE);
            Row row = backups.start(stack, ApiV1.caller(ctx).username(), "manual").row();
            ctx.header("Location", portalUrl.get() + ApiV1.BASE + "/stacks/" + stack.owner() + "/" + stack.name()
                    + "/backups/" + row.id());
            Bodies.send(ctx, 202, view(stack, row));
        });
        routes.get(base + "/{id}", ctx -> {
            Stack stack = ApiV1.stack(ctx, access, Action.CHANGE);
            long id = id(ctx);
            Bodies.send(ctx, 200, backups.of(stack).stream().filter(r -> r.id() == id).findFirst()
                    .map(r -> view(stack, r)).orElseThrow(() -> BerthException.notFound("No backup " + id + ".")));
        });
        routes.get(base + "/{id}/file", ctx -> download(ctx, backups, ApiV1.stack(ctx, access, Action.CHANGE)));
        // a backup file (the body, application/gzip) restored into a new stack of the caller's, named by ?name=
        routes.post(ApiV1.BASE + "/backups", ctx -> {
            String name = ctx.queryParam("name") == null ? "" : ctx.queryParam("name").trim();
            var caller = ApiV1.caller(ctx);
            ctx.attribute(Audit.TARGET, caller.username() + "/" + name);
            Stack stack = ApiV1.semantic(() -> uploads.restoreInto(caller, name, ctx.bodyInputStream(),
                    caller.username()));
            Views.StackView view = Views.StackView.of(stack, portalUrl.get());
            ctx.header("Location", view.url());
            Bodies.send(ctx, 201, view);
        });
        routes.get(ApiV1.BASE + "/backups", ctx -> Bodies.send(ctx, 200, backups.ofDeleted(
                ApiV1.caller(ctx).username()).stream().map(r -> new DeletedView(r.stackName(), r.template(),
                view(null, r))).toList()));
        routes.post(ApiV1.BASE + "/backups/{id}/restore", ctx -> {
            var caller = ApiV1.caller(ctx);
            CloneRequest body = Bodies.read(ctx, CloneRequest.class);
            Stack clone = ApiV1.semantic(() -> restores.restoreDeleted(caller, id(ctx), body.name() == null ? ""
                    : body.name(), caller.username()));
            Views.StackView view = Views.StackView.of(clone, portalUrl.get());
            ctx.header("Location", view.url());
            Bodies.send(ctx, 201, view);
        });
        routes.post(base + "/{id}/restore", ctx -> {
            Stack stack = ApiV1.stack(ctx, access, Action.CHANGE);
            restores.restore(stack, id(ctx), ApiV1.caller(ctx).username());
            Bodies.send(ctx, 202, java.util.Map.of("restoring", id(ctx), "stack",
                    Views.StackView.of(stack, portalUrl.get())));
        });
        routes.post(base + "/{id}/clone", ctx -> {
            Stack stack = ApiV1.stack(ctx, access, Action.CHANGE);
            CloneRequest body = Bodies.read(ctx, CloneRequest.class);
            Stack clone = ApiV1.semantic(() -> restores.cloneInto(stack, id(ctx), body.name() == null ? ""
                    : body.name(), ApiV1.caller(ctx).username()));
            Views.StackView view = Views.StackView.of(clone, portalUrl.get());
            ctx.header("Location", view.url());
            Bodies.send(ctx, 201, view);
        });
    }

    /** Sends a finished backup's file (audited as {@code backup.download}); shared with the stack page's link. */
    public static void download(Context ctx, BackupService backups, Stack stack) {
        Path file = backups.fileOf(stack, id(ctx));
        ctx.attribute(Audit.ACTION, "backup.download");
        ctx.attribute(Audit.DETAIL, "backup " + id(ctx));
        try {
            ctx.header("Content-Disposition", "attachment; filename=\"" + stack.owner().replaceAll("[^A-Za-z0-9._-]",
                    "_") + "-" + stack.name() + "-" + file.getFileName() + "\"");
            ctx.header("Content-Length", Long.toString(Files.size(file)));
            ctx.contentType("application/gzip");
            ctx.result(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code {id}} path parameter; anything but a number is a backup that does not exist. */
    public static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw BerthException.notFound("No backup \"" + ctx.pathParam("id") + "\".");
        }
    }

    private BackupView view(Stack stack, Row r) {
        return new BackupView(r.id(), r.state(), r.reason(), r.startedAt(), r.finishedAt(), r.bytes(), r.output(),
                r.done() && stack != null ? portalUrl.get() + ApiV1.BASE + "/stacks/" + stack.owner() + "/"
                        + stack.name() + "/backups/" + r.id() + "/file" : null);
    }
}
