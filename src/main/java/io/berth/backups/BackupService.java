package io.berth.backups;

import io.berth.audit.Audit;
import io.berth.backend.Backend;
import io.berth.backend.StackData;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateRenderer;
import io.berth.config.DataBackups;
import io.berth.metrics.BerthMetrics;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.stacks.StackService;
import io.berth.store.StackBackupStore;
import io.berth.store.StackBackupStore.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of the data in users' stacks: taken on request ("Back up now", the API), by the daily schedule and before
 * a restore; listed per stack; old ones removed beyond {@code backups.keep}. A backup runs on a small pool of its
 * own, holding its stack busy meanwhile (the reconciler leaves it alone; a second backup or a start of the same
 * stack waits for it to end). Its row is RUNNING from before anything is written, then DONE once the file is renamed
 * into place, or FAILED with the end of the output that says why; a failed backup never touches another backup's
 * file. Who may ask is decided by the callers ({@code StackAccess}, action CHANGE: the owner, for a group stack those
 * who may change it, and admins).
 */
public final class BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
    /** Failed rows kept per stack beyond the good ones, so a user can read why the last attempts failed. */
    static final int FAILED_KEPT = 5;
    private static final int OUTPUT_CHARS = 8000;

    private final StackBackupStore store;
    private final BackupFiles files;
    private final Backend backend;
    private final StackService stacks;
    private final TemplateRenderer renderer;
    private final Audit audit;
    private final BerthMetrics metrics;
    private final DataBackups config;
    private final ExecutorService jobs;
    private final String berthVersion;
    /** Backups a restore is reading: retention leaves them alone until it ends. */
    private final java.util.Set<Long> pinned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public BackupService(StackBackupStore store, BackupFiles files, Backend backend, StackService stacks,
                         TemplateRenderer renderer, Audit audit, BerthMetrics metrics, DataBackups config,
                         ExecutorService jobs, String berthVersion) {
        this.store = store;
        this.files = files;
        this.backend = backend;
        this.stacks = stacks;
        this.renderer = renderer;
        this.audit = audit;
        this.metrics = metrics;
        this.config = config;
        this.jobs = jobs;
        this.berthVersion = berthVersion;
        metrics.bindBackupBytes(store::bytesTotal);
    }

    public BackupFiles files() {
        return files;
    }

    /** The stack's backups (also those of a deleted stack of the same name and owner), newest first. */
    public List<Row> of(Stack stack) {
        return store.of(stack.owner(), stack.name());
    }

    /**
     * Begins a backup of {@code stack} in the background ({@code reason}: manual, schedule); returns its RUNNING row
     * at once, and a future completed with the finished row. 409 when the stack cannot be backed up now.
     */
    public Started start(Stack stack, String actor, String reason) {
        Prepared prepared = prepare(stack);
        if (!stacks.hold(stack.id())) {
            throw BerthException.conflict(null, "The stack " + stack.name() + " is busy (starting, stopping or being"
                    + " backed up); try again in a moment.");
        }
        Row row;
        try {
            row = begin(stack, prepared.template(), reason);
        } catch (RuntimeException e) {
            stacks.release(stack.id());
            throw e;
        }
        CompletableFuture<Row> done = new CompletableFuture<>();
        try {
            jobs.execute(() -> {
                try {
                    done.complete(run(stack, prepared, row, actor));
                } catch (RuntimeException | Error e) {
                    done.completeExceptionally(e);
                } finally {
                    stacks.release(stack.id());
                }
            });
        } catch (RuntimeException e) {
            stacks.release(stack.id());
            store.finish(row.id(), StackBackupStore.FAILED, null, "Berth is shutting down.");
            throw e;
        }
        return new Started(row, done);
    }

    /** A backup begun by {@link #start}: its row as it began, and the row as it ended. */
    public record Started(Row row, CompletableFuture<Row> finished) { }

    /** Takes a backup on the calling thread, the stack already held (a restore's backup beforehand). */
    Row takeHeld(Stack stack, String actor, String reason) {
        Prepared prepared = prepare(stack);
        return run(stack, prepared, begin(stack, prepared.template(), reason), actor);
    }

    private record Prepared(Template template, StackData data) { }

    private Prepared prepare(Stack stack) {
        StackData data = backend.data().orElseThrow(() -> BerthException.conflict(null,
                "This Berth's backend cannot back up stacks' data (backend: docker can)."));
        Template template = stacks.details().templateOf(stack).orElseThrow(() -> BerthException.conflict(null,
                "The template \"" + stack.template() + "\" of this stack is no longer in the catalog."));
        if (template.backedUp().isEmpty()) {
            throw BerthException.conflict(null, "The template " + template.name() + " declares no backup: its"
                    + " services keep no data worth saving.");
        }
        requireRoom(stack.owner(), 0);
        boolean dumps = template.backedUp().stream().anyMatch(s -> s.backup().dump());
        if (stack.state() != StackState.READY && (dumps || stack.state() != StackState.STOPPED)) {
            throw BerthException.conflict(null, "The stack is " + stack.state().name().toLowerCase(java.util.Locale.ROOT)
                    + "; a backup needs it running" + (dumps ? "" : " or stopped") + ".");
        }
        return new Prepared(template, data);
    }

    /**
     * Refuses (403 {@code quota_exceeded}) when the owner's finished backups and {@code adding} bytes more would
     * pass {@code backups.owner_quota}; a backup still to be taken counts as 0 (its size is not known yet).
     */
    void requireRoom(String owner, long adding) {
        long quota = config.ownerQuotaBytes();
        long held = quota == 0 ? 0 : store.bytesOf(owner);
        if (quota > 0 && (held >= quota || held + adding > quota)) {
            throw new BerthException(403, "quota_exceeded", "The backups of " + owner + " hold " + held
                    + " bytes" + (adding > 0 ? " and this one has " + adding : "") + ", and backups.owner_quota is "
                    + config.ownerQuota + ": delete stacks' old backups (lower backups.keep) or ask Berth's admins.",
                    null);
        }
    }

    private Row begin(Stack stack, Template template, String reason) {
        Instant now = Instant.now();
        return store.begin(stack.id(), stack.owner(), stack.name(), template.name(), reason,
                id -> files.nameFor(stack.owner(), stack.name(), id, now));
    }

    private Row run(Stack stack, Prepared prepared, Row row, String actor) {
        long began = System.nanoTime();
        stacks.events().add(stack.id(), "Backup " + row.id() + " begins");
        TakeBackup take = new TakeBackup(prepared.data(), files, renderer, berthVersion);
        try {
            long bytes = take.run(stack, prepared.template(), stacks.details().context(stack), row.file(),
                    step -> stacks.events().add(stack.id(), "Backup: " + step));
            store.finish(row.id(), StackBackupStore.DONE, bytes, null);
            metrics.backedUp(System.nanoTime() - began);
            long ms = (System.nanoTime() - began) / 1_000_000;
            stacks.events().add(stack.id(), "Backup " + row.id() + " done in " + ms + " ms (" + bytes + " bytes)");
            audit.record(actor, "backup.finish", stack.ref().toString(), "backup " + row.id() + " (" + row.reason()
                    + ") done, " + bytes + " bytes");
            LOG.info("stack \"{}\" of \"{}\": backup {} done, {} bytes in {} ms", stack.name(), stack.owner(),
                    row.id(), bytes, ms);
            prune(stack);
        } catch (TakeBackup.Failed | IOException | RuntimeException e) {
            String output = e instanceof TakeBackup.Failed ? e.getMessage() : "Berth could not write the backup: " + e;
            String kept = output.length() > OUTPUT_CHARS ? "…" + output.substring(output.length() - OUTPUT_CHARS)
                    : output;
            store.finish(row.id(), StackBackupStore.FAILED, null, kept);
            metrics.backupFailed();
            stacks.events().add(stack.id(), "Backup " + row.id() + " failed: " + kept.lines().findFirst().orElse(""));
            audit.record(actor, "backup.finish", stack.ref().toString(), "backup " + row.id() + " FAILED: "
                    + kept.lines().findFirst().orElse(""));
            LOG.warn("stack \"{}\" of \"{}\": backup {} failed: {}", stack.name(), stack.owner(), row.id(),
                    kept.lines().findFirst().orElse(""), e instanceof TakeBackup.Failed ? null : e);
        }
        return store.find(row.id()).orElseThrow();
    }

    /**
     * Keeps the good backups {@link Retention} keeps (the template's {@code backups.keep} newest, else berth.yaml's)
     * and a few failed rows of the stack; deletes the rest.
     */
    void prune(Stack stack) {
        List<Row> rows = store.of(stack.owner(), stack.name());
        List<Row> good = rows.stream().filter(Row::done).toList();
        List<Row> failed = rows.stream().filter(r -> r.state().equals(StackBackupStore.FAILED)).toList();
        int keep = stacks.details().templateOf(stack).map(t -> t.backups().keepOr(config.keep)).orElse(config.keep);
        java.util.Set<Long> kept = Retention.kept(good, keep, config.keepWeekly, java.time.ZoneId.systemDefault());
        for (Row old : good.stream().filter(r -> !kept.contains(r.id()) && !pinned.contains(r.id())).toList()) {
            remove(old);
        }
        for (Row old : failed.subList(Math.min(FAILED_KEPT, failed.size()), failed.size())) {
            remove(old);
        }
    }

    private void remove(Row row) {
        try {
            files.deleteAll(row.file());
            store.delete(row.id());
            LOG.info("backup {} of \"{}/{}\" removed (beyond its backups.keep)", row.id(), row.owner(), row.stackName());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("backup {} of \"{}/{}\": could not delete {}: {}", row.id(), row.owner(), row.stackName(),
                    row.file(), e.toString());
        }
    }

    /** An owner's finished backups of stacks deleted since (kept backups.keep_deleted_days), newest first. */
    public List<Row> ofDeleted(String owner) {
        return store.ofDeleted(owner);
    }

    /** One of {@link #ofDeleted}, or 404. */
    Row deletedOf(String owner, long id) {
        return store.find(id).filter(r -> r.owner().equals(owner) && r.stackId() == null && r.done())
                .orElseThrow(() -> BerthException.notFound("You have no backup " + id + " of a deleted stack."));
    }

    /** Keeps a backup from retention while a restore reads it; every pin is followed by {@link #unpin}. */
    void pin(long id) {
        pinned.add(id);
    }

    void unpin(long id) {
        pinned.remove(id);
    }

    /** The file of one of the stack's finished backups; 404 for a backup of another stack or one not DONE. */
    public Path fileOf(Stack stack, long id) {
        Row row = doneOf(stack, id);
        return files.file(row.file());
    }

    /** One of the stack's finished backups, or 404. */
    public Row doneOf(Stack stack, long id) {
        return store.find(id).filter(r -> r.owner().equals(stack.owner()) && r.stackName().equals(stack.name()))
                .filter(Row::done).orElseThrow(() -> BerthException.notFound("This stack has no finished backup "
                        + id + "."));
    }
}
