package io.berth.backups;

import io.berth.catalog.Catalog;
import io.berth.catalog.Template;
import io.berth.config.DataBackups;
import io.berth.model.BerthException;
import io.berth.model.Bytes;
import io.berth.model.Stack;
import io.berth.model.User;
import io.berth.stacks.StackService;
import io.berth.store.StackBackupStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup file sent by a user, restored into a new stack of theirs. Never trusted: it is written to a temporary file
 * in the backups folder (at most {@code backups.max_upload} bytes; more is refused while it arrives), then read and
 * checked end to end ({@link ArchiveReader}: paths, links, sizes, checksums, gzip) before anything else happens; its
 * template must be in the catalog with the backup layout it names. Only then is the stack launched (with the file's
 * parameters, checked as a launch checks them, and its passwords, if they look like Berth's) and the file kept as
 * that stack's first backup (reason {@code upload}), which a restore then puts into it as a clone's.
 */
public final class Uploads {
    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);

    private final BackupService backups;
    private final Restores restores;
    private final StackService stacks;
    private final Catalog catalog;
    private final StackBackupStore store;
    private final DataBackups config;

    public Uploads(BackupService backups, Restores restores, StackService stacks, Catalog catalog,
                   StackBackupStore store, DataBackups config) {
        this.backups = backups;
        this.restores = restores;
        this.stacks = stacks;
        this.catalog = catalog;
        this.store = store;
        this.config = config;
    }

    /** Checks the uploaded {@code body} and restores it into a new stack {@code name} of {@code owner}. */
    public Stack restoreInto(User owner, String name, InputStream body, String actor) {
        Path temp = null;
        try {
            Files.createDirectories(backups.files().root());
            temp = Files.createTempFile(backups.files().root(), ".upload-", ".part");
            receive(body, temp);
            backups.requireRoom(owner.username(), Files.size(temp));
            Manifest manifest;
            try {
                refuseBeyondDisk(ArchiveReader.manifestOf(temp));
                manifest = ArchiveReader.check(temp);
            } catch (BadArchiveException e) {
                throw BerthException.badRequest("file", e.getMessage());
            }
            Template template = catalog.find(manifest.template()).orElseThrow(() -> BerthException.conflict(null,
                    "This backup is of the template \"" + manifest.template() + "\", which the catalog does not have."));
            if (!manifest.layout().equals(Manifest.layoutOf(template))) {
                throw BerthException.conflict(null, "This backup cannot be restored: it holds ["
                        + manifest.layout().replace("\n", "; ") + "], and the template " + template.name()
                        + " now backs up [" + Manifest.layoutOf(template).replace("\n", "; ") + "].");
            }
            Stack stack = stacks.launch(owner, template.name(), name, manifest.params() == null ? java.util.Map.of()
                    : manifest.params(), manifest.secrets() == null ? java.util.Map.of() : manifest.secrets());
            Instant now = Instant.now();
            StackBackupStore.Row row = store.begin(stack.id(), stack.owner(), stack.name(), template.name(), "upload",
                    id -> backups.files().nameFor(stack.owner(), stack.name(), id, now));
            Files.createDirectories(backups.files().file(row.file()).getParent());
            backups.files().publish(temp, row.file());
            temp = null;
            store.finish(row.id(), StackBackupStore.DONE, Files.size(backups.files().file(row.file())), null);
            stacks.events().add(stack.id(), "Launched from an uploaded backup (backup " + row.id() + ")");
            restores.restoreNew(stack, row, template, actor);
            LOG.info("stack \"{}\" of \"{}\": launched from an uploaded backup", stack.name(), stack.owner());
            return stack;
        } catch (IOException e) {
            throw new IllegalStateException("could not keep the uploaded backup: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("could not delete the upload {}: {}", temp, e.toString());
                }
            }
        }
    }

    /**
     * A small file may stand for a huge one (gigabytes of zeros gzip to kilobytes), and checking it means unpacking it:
     * what its manifest says it holds (the check holds it to exactly that) must fit in the free space of the backups
     * folder's disk, where its volumes' parts are spooled, before a byte of it is unpacked.
     */
    private void refuseBeyondDisk(Manifest declared) throws IOException {
        long expands = 0;
        for (Manifest.Entry e : declared.entries()) {
            expands = e.bytes() < 0 || Long.MAX_VALUE - expands < e.bytes() ? Long.MAX_VALUE : expands + e.bytes();
        }
        long free = Files.getFileStore(backups.files().root()).getUsableSpace();
        if (expands > free) {
            throw new BerthException(413, "too_large", "The backup unpacks to " + Bytes.binary(expands)
                    + " (its manifest), more than the " + Bytes.binary(free) + " free on the backups folder's disk.",
                    "file");
        }
    }

    private void receive(InputStream body, Path temp) throws IOException {
        long limit = config.maxUploadBytes();
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(temp)) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                total += n;
                if (total > limit) {
                    throw new BerthException(413, "too_large", "The backup is larger than backups.max_upload ("
                            + config.maxUpload + ").", "file");
                }
                out.write(buffer, 0, n);
            }
        }
        if (total == 0) {
            throw BerthException.badRequest("file", "The body is empty; send the backup file (.tar.gz).");
        }
    }
}
