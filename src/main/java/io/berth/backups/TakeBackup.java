package io.berth.backups;

import io.berth.backend.BackendException;
import io.berth.backend.ExecResult;
import io.berth.backend.StackData;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateRenderer;
import io.berth.model.Stack;
import io.berth.model.StackState;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * One backup of one stack, file by file: each backed-up service's dump (its command's stdout) or volume tars (its
 * service stopped first when the template says {@code pause: true}, and started again however the reading ends) are
 * made as parts in a scratch folder, with their sizes and checksums; then the backup file is written from them under
 * a temporary name and renamed into place. Whatever fails, the scratch folder and the temporary file go, and no other
 * backup file is touched.
 */
final class TakeBackup {
    /** Why a backup failed, with the output lines that say so (a command's stderr). */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    private final StackData data;
    private final BackupFiles files;
    private final TemplateRenderer renderer;
    private final String berthVersion;

    TakeBackup(StackData data, BackupFiles files, TemplateRenderer renderer, String berthVersion) {
        this.data = data;
        this.files = files;
        this.renderer = renderer;
        this.berthVersion = berthVersion;
    }

    /** Writes the backup file {@code name} of {@code stack}; returns its size. */
    long run(Stack stack, Template template, TemplateRenderer.Context ctx, String name, Consumer<String> progress)
            throws Failed, IOException {
        Path scratch = files.scratch(name);
        Path temp = files.temp(name);
        try {
            Files.createDirectories(scratch);
            List<ArchiveWriter.Part> parts = new ArrayList<>();
            for (Template.Service s : template.backedUp()) {
                if (s.backup().dump()) {
                    progress.accept("Dumping " + s.name());
                    parts.add(dump(stack, s, ctx, scratch));
                } else {
                    parts.addAll(volumes(stack, template, s, scratch, progress));
                }
            }
            String layout = Manifest.layoutOf(template);
            Manifest manifest = new Manifest(Manifest.FORMAT, template.name(), Manifest.versionOf(layout), layout,
                    berthVersion, Instant.now().toString(), stack.owner(), stack.name(), ctx.params(), ctx.secrets(),
                    parts.stream().map(ArchiveWriter.Part::entry).toList());
            progress.accept("Writing the backup file");
            ArchiveWriter.write(temp, manifest, parts);
            files.publish(temp, name);
            return Files.size(files.file(name));
        } finally {
            Files.deleteIfExists(temp);
            BackupFiles.deleteTree(scratch);
        }
    }

    private ArchiveWriter.Part dump(Stack stack, Template.Service s, TemplateRenderer.Context ctx, Path scratch)
            throws Failed, IOException {
        String entry = Manifest.dumpName(s.name());
        Path file = scratch.resolve(s.name() + ".dump");
        MessageDigest sha = ArchiveReader.sha256();
        ExecResult result;
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), sha)) {
            result = data.stream(stack.ref(), s.name(), renderer.backupCommand(s, ctx, false), null, out,
                    Duration.ofSeconds(s.backup().timeoutSeconds()));
        } catch (BackendException e) {
            throw new Failed(e.getMessage());
        }
        if (result.exitCode() == null) {
            throw new Failed("The backup command of " + s.name() + " did not finish within "
                    + s.backup().timeoutSeconds() + " s.\n" + result.lastLines(20));
        }
        if (!result.succeeded()) {
            throw new Failed("The backup command of " + s.name() + " failed (exit code " + result.exitCode()
                    + ").\n" + result.lastLines(20));
        }
        return new ArchiveWriter.Part(new Manifest.Entry(entry, s.name(), "dump", null, null, Files.size(file),
                HexFormat.of().formatHex(sha.digest())), file);
    }

    private List<ArchiveWriter.Part> volumes(Stack stack, Template template, Template.Service s, Path scratch,
                                             Consumer<String> progress) throws Failed, IOException {
        boolean pause = s.backup().pause() && stack.state() == StackState.READY;
        List<ArchiveWriter.Part> parts = new ArrayList<>();
        String image = renderer.image(s.image());
        Failed failed = null;
        try {
            if (pause) {
                progress.accept("Stopping " + s.name() + " for a moment");
                data.pause(stack.ref(), s.name());
            }
            for (String volume : s.backup().volumes()) {
                progress.accept("Archiving volume " + volume + " of " + s.name());
                Path file = scratch.resolve(s.name() + "--" + volume + ".tar");
                MessageDigest sha = ArchiveReader.sha256();
                var scope = template.volumes().get(volume).scope();
                try (OutputStream out = new DigestOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha)) {
                    data.readVolume(stack.ref(), scope, volume, image, out,
                            Duration.ofSeconds(s.backup().timeoutSeconds()));
                }
                parts.add(new ArchiveWriter.Part(new Manifest.Entry(Manifest.volumeName(s.name(), volume), s.name(),
                        "volume", volume, scope.name().toLowerCase(java.util.Locale.ROOT), Files.size(file),
                        HexFormat.of().formatHex(sha.digest())), file));
            }
        } catch (BackendException e) {
            failed = new Failed(e.getMessage());
        } finally {
            if (pause) {
                progress.accept("Starting " + s.name() + " again");
                try {
                    data.resume(stack.ref(), s.name());
                } catch (BackendException e) {
                    Failed again = new Failed(e.getMessage());
                    if (failed != null) {
                        failed.addSuppressed(again);
                    } else {
                        failed = again;
                    }
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
        return parts;
    }
}
