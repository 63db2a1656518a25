package io.berth.backups;

import io.berth.audit.Audit;
import io.berth.backend.Backend;
import io.berth.backend.StackData;
import io.berth.catalog.Catalog;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateRenderer;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.model.User;
import io.berth.stacks.StackService;
import io.berth.store.StackBackupStore;
import io.berth.store.StackStore;
import io.berth.store.UserStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a stack's backup into the same stack (its current data backed up first, then replaced) or into a new
 * stack of the same template and owner (a clone: launched with the backup's parameters and passwords, then given
 * its data). Both answer at once once what can be decided quickly is decided — the backup exists and is finished,
 * its manifest reads, its template's backup layout is still the one it was taken with — and run on the backups'
 * pool; every step and the outcome are lines in the stack's history, and the outcome is audited
 * ({@code backup.restore}). Callers decide who may ({@code StackAccess}, action CHANGE).
 */
public final class Restores {
    private static final Logger LOG = LoggerFactory.getLogger(Restores.class);

    private final BackupService backups;
    private final StackService stacks;
    private final StackStore store;
    private final UserStore users;
    private final Backend backend;
    private final TemplateRenderer renderer;
    private final Audit audit;
    private final ExecutorService jobs;
    private final Catalog catalog;

    public Restores(BackupService backups, StackService stacks, StackStore store, UserStore users, Backend backend,
                    TemplateRenderer renderer, Audit audit, ExecutorService jobs, Catalog catalog) {
        this.catalog = catalog;
        this.backups = backups;
        this.stacks = stacks;
        this.store = store;
        this.users = users;
        this.backend = backend;
        this.renderer = renderer;
        this.audit = audit;
        this.jobs = jobs;
    }

    /** Begins restoring backup {@code id} of {@code stack} into it; 409 with the reason when it cannot be. */
    public void restore(Stack stack, long id, String actor) {
        StackBackupStore.Row row = backups.doneOf(stack, id);
        Path file = backups.files().file(row.file());
        Template template = compatible(stack, file);
        if (stack.state() != StackState.READY && stack.state() != StackState.STOPPED) {
            throw BerthException.conflict(null, "The stack is " + stack.state().name().toLowerCase(java.util.Locale.ROOT)
                    + "; restore into a running or stopped stack.");
        }
        if (stacks.busy(stack.id())) {
            throw BerthException.conflict(null, "The stack is busy with another job; try again in a moment.");
        }
        backups.pin(id);
        submit(stack, id, actor, () -> {
            StackBackupStore.Row before = backupFirst(stack, actor);
            if (!before.done()) {
                throw new RestoreJob.Failed("The backup of the current data beforehand failed, so nothing was"
                        + " replaced: " + before.output());
            }
            job().run(stack, template, file);
        });
    }

    /**
     * Launches {@code newName}, a stack of the same template and owner as {@code source}, and restores backup
     * {@code id} of {@code source} into it once it runs; returns the new stack at once.
     */
    public Stack cloneInto(Stack source, long id, String newName, String actor) {
        StackBackupStore.Row row = backups.doneOf(source, id);
        Path file = backups.files().file(row.file());
        Template template = compatible(source, file);
        Manifest manifest = manifest(file);
        User owner = users.byId(source.ownerId()).orElseThrow(() -> BerthException.conflict(null,
                "The owner of this stack is gone."));
        Stack clone = stacks.launch(owner, template.name(), newName, manifest.params(), manifest.secrets());
        stacks.events().add(clone.id(), "Launched as a clone of " + source.name() + " (backup " + id + ")");
        backups.pin(id);
        submit(clone, id, actor, () -> {
            awaitReady(clone);
            job().run(clone, template, file);
        });
        return clone;
    }

    /**
     * Launches {@code newName} for {@code owner} from one of their backups of a deleted stack ({@code id}), with its
     * parameters and passwords, and restores the backup into it once it runs; returns the new stack at once.
     */
    public Stack restoreDeleted(User owner, long id, String newName, String actor) {
        StackBackupStore.Row row = backups.deletedOf(owner.username(), id);
        Path file = backups.files().file(row.file());
        Manifest manifest = manifest(file);
        Template template = catalog.find(row.template()).orElseThrow(() -> BerthException.conflict(null,
                "The template \"" + row.template() + "\" of this backup is no longer in the catalog."));
        if (!manifest.layout().equals(Manifest.layoutOf(template))) {
            throw BerthException.conflict(null, "This backup cannot be restored: it holds ["
                    + manifest.layout().replace("\n", "; ") + "], and the template " + template.name()
                    + " now backs up [" + Manifest.layoutOf(template).replace("\n", "; ") + "].");
        }
        Stack stack = stacks.launch(owner, template.name(), newName, manifest.params(), manifest.secrets());
        stacks.events().add(stack.id(), "Launched from backup " + id + " of the deleted stack " + row.stackName());
        restoreNew(stack, row, template, actor);
        return stack;
    }

    /** Restores {@code row}, a finished backup kept for the new {@code stack}, into it once it runs. */
    void restoreNew(Stack stack, StackBackupStore.Row row, Template template, String actor) {
        Path file = backups.files().file(row.file());
        backups.pin(row.id());
        submit(stack, row.id(), actor, () -> {
            awaitReady(stack);
            job().run(stack, template, file);
        });
    }

    private interface Step {
        void run() throws RestoreJob.Failed, IOException;
    }

    private void submit(Stack stack, long id, String actor, Step step) {
        jobs.execute(() -> {
            try {
                step.run();
                stacks.events().add(stack.id(), "Restore of backup " + id + " done");
                audit.record(actor, "backup.restore", stack.ref().toString(), "backup " + id + " restored");
                LOG.info("stack \"{}\" of \"{}\": backup {} restored", stack.name(), stack.owner(), id);
            } catch (RestoreJob.Failed | IOException | RuntimeException e) {
                String why = e instanceof RestoreJob.Failed ? e.getMessage() : "Berth could not restore: " + e;
                stacks.events().add(stack.id(), "Restore of backup " + id + " failed: " + why);
                audit.record(actor, "backup.restore", stack.ref().toString(), "backup " + id + " FAILED: "
                        + why.lines().findFirst().orElse(""));
                LOG.warn("stack \"{}\" of \"{}\": restore of backup {} failed: {}", stack.name(), stack.owner(), id,
                        why, e instanceof RestoreJob.Failed ? null : e);
            } finally {
                backups.unpin(id);
            }
        });
    }

    private StackBackupStore.Row backupFirst(Stack stack, String actor) throws RestoreJob.Failed {
        if (!stacks.hold(stack.id())) {
            throw new RestoreJob.Failed("The stack became busy with another job; the restore did not begin.");
        }
        try {
            stacks.events().add(stack.id(), "Restore: backing up the current data first");
            return backups.takeHeld(store.byId(stack.id()).orElse(stack), actor, "before-restore");
        } catch (BerthException e) {
            throw new RestoreJob.Failed(e.getMessage());
        } finally {
            stacks.release(stack.id());
        }
    }

    private void awaitReady(Stack stack) throws RestoreJob.Failed {
        long deadline = System.nanoTime() + RestoreJob.SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            Stack now = store.byId(stack.id()).orElseThrow(() -> new RestoreJob.Failed("The new stack was deleted."));
            if (now.state() == StackState.READY) {
                return;
            }
            if (now.state() == StackState.FAILED || now.state() == StackState.STOPPED) {
                throw new RestoreJob.Failed("The new stack did not start: " + now.reason());
            }
            sleep(Duration.ofMillis(200));
        }
        throw new RestoreJob.Failed("The new stack did not start within " + RestoreJob.SETTLE.toMinutes() + " minutes.");
    }

    private RestoreJob job() {
        StackData data = backend.data().orElseThrow(() -> BerthException.conflict(null,
                "This Berth's backend cannot restore stacks' data (backend: docker can)."));
        return new RestoreJob(stacks, store, data, renderer, backups.files());
    }

    /** The stack's template, if its backup layout is the one the backup was taken with; 409 with the reason if not. */
    private Template compatible(Stack stack, Path file) {
        Template template = stacks.details().templateOf(stack).orElseThrow(() -> BerthException.conflict(null,
                "The template \"" + stack.template() + "\" of this stack is no longer in the catalog."));
        Manifest manifest = manifest(file);
        String now = Manifest.layoutOf(template);
        if (!manifest.template().equals(template.name()) || !manifest.layout().equals(now)) {
            throw BerthException.conflict(null, "This backup cannot be restored: it was taken of template "
                    + manifest.template() + " holding [" + manifest.layout().replace("\n", "; ") + "], and the"
                    + " template " + template.name() + " now backs up [" + now.replace("\n", "; ") + "].");
        }
        return template;
    }

    private static Manifest manifest(Path file) {
        try {
            return ArchiveReader.manifestOf(file);
        } catch (BadArchiveException | IOException e) {
            throw BerthException.conflict(null, e.getMessage());
        }
    }

    private static void sleep(Duration d) throws RestoreJob.Failed {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreJob.Failed("Berth is shutting down.");
        }
    }
}
