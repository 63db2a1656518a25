package io.berth.backups;

import io.berth.backend.BackendException;
import io.berth.backend.ExecResult;
import io.berth.backend.StackData;
import io.berth.backend.StackSpec.VolumeScope;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateRenderer;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.stacks.StackService;
import io.berth.store.StackStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Puts one checked backup file into one stack: stops the stack (if it runs), replaces each volume the backup holds
 * with the backup's files (never writing outside the volume: the tars were checked and are rewritten by Berth), starts
 * the stack again, then feeds each dump to its service's restore command on stdin. Every step is a line in the
 * stack's history; a failure ends the restore with its reason there, with the stack left stopped when its volumes
 * may be half replaced (so nothing runs on them unnoticed).
 */
final class RestoreJob {
    /** How long a restore waits for its stack to stop or to start. */
    static final Duration SETTLE = Duration.ofMinutes(15);

    /** Why a restore stopped, in a sentence for the stack's history. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    private final StackService stacks;
    private final StackStore store;
    private final StackData data;
    private final TemplateRenderer renderer;
    private final BackupFiles files;

    RestoreJob(StackService stacks, StackStore store, StackData data, TemplateRenderer renderer, BackupFiles files) {
        this.stacks = stacks;
        this.store = store;
        this.data = data;
        this.renderer = renderer;
        this.files = files;
    }

    void run(Stack stack, Template template, Path file) throws Failed, IOException {
        try {
            ArchiveReader.check(orFail(file));
        } catch (BadArchiveException e) {
            throw new Failed(e.getMessage());
        }
        Stack now = current(stack);
        if (now.state() != StackState.STOPPED) {
            step(stack, "Stopping the stack to restore its data");
            stacks.stop(now);
            now = await(stack, EnumSet.of(StackState.STOPPED));
        }
        Files.createDirectories(files.root());
        Path scratch = Files.createTempDirectory(files.root(), ".restore-");
        Map<String, Path> dumps = new LinkedHashMap<>();
        try {
            hold(stack);
            try {
                ArchiveReader.read(file, (entry, in) -> {
                    if (entry.holdsVolume()) {
                        step(stack, "Restoring volume " + entry.volume() + " of " + entry.service());
                        replace(stack, template, entry, in);
                    } else {
                        Path dump = scratch.resolve(entry.service() + ".dump");
                        Files.copy(in, dump);
                        dumps.put(entry.service(), dump);
                    }
                }, scratch);
            } catch (BadArchiveException e) {
                throw new Failed(e.getMessage());
            } finally {
                stacks.release(stack.id());
            }
            step(stack, "Starting the stack on the restored data");
            stacks.start(current(stack));
            if (!dumps.isEmpty()) {
                await(stack, EnumSet.of(StackState.READY));
                for (var dump : dumps.entrySet()) {
                    load(stack, template, dump.getKey(), dump.getValue());
                }
            }
        } finally {
            BackupFiles.deleteTree(scratch);
        }
    }

    private void replace(Stack stack, Template template, Manifest.Entry entry, InputStream tar) throws IOException {
        Template.Service service = service(template, entry.service());
        VolumeScope scope = template.volumes().get(entry.volume()).scope();
        try {
            data.replaceVolume(stack.ref(), scope, entry.volume(), renderer.image(service.image()), tar,
                    Duration.ofSeconds(service.backup().timeoutSeconds()));
        } catch (BackendException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void load(Stack stack, Template template, String name, Path dump) throws Failed, IOException {
        Template.Service service = service(template, name);
        step(stack, "Restoring the dump of " + name);
        ExecResult result;
        try {
            result = data.stream(stack.ref(), name, renderer.backupCommand(service, stacks.details().context(
                    current(stack)), true), dump, OutputStream.nullOutputStream(),
                    Duration.ofSeconds(service.backup().timeoutSeconds()));
        } catch (BackendException e) {
            throw new Failed(e.getMessage());
        }
        if (!result.succeeded()) {
            throw new Failed("The restore command of " + name + " failed (exit code " + result.exitCode() + ").\n"
                    + result.lastLines(20));
        }
    }

    private static Template.Service service(Template template, String name) {
        return template.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private Stack current(Stack stack) throws Failed {
        return store.byId(stack.id()).orElseThrow(() -> new Failed("The stack was deleted during the restore."));
    }

    /** Waits until the stack is in one of {@code states}; FAILED (when not wanted) or a time-out end the restore. */
    private Stack await(Stack stack, Set<StackState> states) throws Failed {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            Stack now = current(stack);
            if (states.contains(now.state())) {
                return now;
            }
            if (now.state() == StackState.FAILED) {
                throw new Failed("The stack failed: " + now.reason());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failed("Berth is shutting down.");
            }
        }
        throw new Failed("The stack did not become " + states.iterator().next().name().toLowerCase(Locale.ROOT)
                + " within " + SETTLE.toMinutes() + " minutes.");
    }

    /**
     * Holds the stack busy for the restore; waits a little for a stop job that has just written STOPPED but not yet
     * let go of the stack.
     */
    private void hold(Stack stack) throws Failed {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!stacks.hold(stack.id())) {
            if (System.nanoTime() > deadline) {
                throw new Failed("The stack stayed busy with another job; the restore did not begin.");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failed("Berth is shutting down.");
            }
        }
    }

    private void step(Stack stack, String message) {
        stacks.events().add(stack.id(), "Restore: " + message);
    }

    private static Path orFail(Path file) throws Failed {
        if (!Files.isRegularFile(file)) {
            throw new Failed("The backup file is gone from the backups folder.");
        }
        return file;
    }
}
