package io.berth.backups;

import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.StackData;
import io.berth.catalog.Template;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.stacks.StackService;
import io.berth.store.StackBackupStore;
import io.berth.store.StackBackupStore.Row;
import io.berth.store.StackStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Berth killed mid-backup left, put right at start-up (before the reconciler's first pass): each row still
 * RUNNING becomes FAILED and its temporary file and parts are deleted — no file of it was ever renamed into place, so
 * nothing half-written counts as a backup — and, for a stack still READY, every service its template stops for a
 * backup ({@code pause: true}) is started again (a no-op for those running), so the reconciler does not find the
 * one that was stopped at the moment of the crash and fail the stack. Temporary files of uploads and restores
 * cut short go too.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final StackBackupStore rows;
    private final BackupFiles files;
    private final StackStore store;
    private final StackService stacks;
    private final Backend backend;

    public Recovery(StackBackupStore rows, BackupFiles files, StackStore store, StackService stacks, Backend backend) {
        this.rows = rows;
        this.files = files;
        this.store = store;
        this.stacks = stacks;
        this.backend = backend;
    }

    /** Returns how many backups were cut short. */
    public int run() {
        try {
            files.ensureRoot();
        } catch (IOException e) {
            LOG.warn("backups.dir {} cannot be created: {}; backups will fail until it can", files.root(), e.toString());
        }
        sweepLeftovers();
        List<Row> running = rows.inState(StackBackupStore.RUNNING);
        for (Row row : running) {
            try {
                files.deleteAll(row.file());
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("backup {} of \"{}/{}\": could not delete its partial files: {}", row.id(), row.owner(),
                        row.stackName(), e.toString());
            }
            rows.finish(row.id(), StackBackupStore.FAILED, null, "Berth stopped while this backup ran; nothing of"
                    + " it was kept.");
            LOG.warn("backup {} of \"{}/{}\" was running when Berth stopped: marked FAILED", row.id(), row.owner(),
                    row.stackName());
            Optional<Stack> stack = row.stackId() == null ? Optional.empty() : store.byId(row.stackId());
            stack.filter(s -> s.state() == StackState.READY).ifPresent(this::resume);
        }
        return running.size();
    }

    /** Uploads and restores a crash cut short leave their temporary files at the folder's top: they go. */
    private void sweepLeftovers() {
        try (var entries = java.nio.file.Files.list(files.root())) {
            for (java.nio.file.Path p : entries.filter(p -> p.getFileName().toString().startsWith(".upload-")
                    || p.getFileName().toString().startsWith(".restore-")).toList()) {
                BackupFiles.deleteTree(p);
                LOG.info("removed {}, left by an upload or restore that Berth's stop cut short", p);
            }
        } catch (IOException e) {
            LOG.warn("could not clear leftovers in {}: {}", files.root(), e.toString());
        }
    }

    private void resume(Stack stack) {
        StackData data = backend.data().orElse(null);
        Template template = stacks.details().templateOf(stack).orElse(null);
        if (data == null || template == null) {
            return;
        }
        for (Template.Service s : template.backedUp()) {
            if (s.backup().pause()) {
                try {
                    data.resume(stack.ref(), s.name());
                } catch (BackendException e) {
                    LOG.warn("stack \"{}\" of \"{}\": could not start \"{}\" again after a backup cut short: {}",
                            stack.name(), stack.owner(), s.name(), e.getMessage());
                }
            }
        }
    }
}
