package io.berth.backups;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The backups folder ({@code backups.dir}): one file per backup at {@code <owner>/<stack>/<time>-<id>.tar.gz}, written
 * as {@code .<name>.part} and renamed into place once complete and on disk, so a name without the marker is always a
 * whole file. Every path handed out is checked to lie under the folder: names come from the store, never from a
 * request, and owner and stack names are checked once more here (an account key may hold {@code . @ ~ _ -}, never a
 * slash, and never starts with a dot).
 */
public final class BackupFiles {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9@_~][A-Za-z0-9._@~-]{0,254}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    /** Marks a file being written; never listed as a backup. */
    static final String TEMP_PREFIX = ".";
    static final String TEMP_SUFFIX = ".part";

    private final Path root;

    public BackupFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * Creates the folder when missing, readable by Berth's user only (backup files hold stacks' passwords); an
     * existing folder keeps the permissions the operator gave it.
     */
    public void ensureRoot() throws IOException {
        if (Files.isDirectory(root)) {
            return;
        }
        Files.createDirectories(root.getParent());
        try {
            Files.createDirectory(root, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(root);
        }
    }

    /** The name (relative to the folder) of the backup with store id {@code id} of a stack, begun at {@code at}. */
    public String nameFor(String owner, String stack, long id, Instant at) {
        return part(owner) + "/" + part(stack) + "/" + STAMP.format(at) + "-" + id + ".tar.gz";
    }

    /** The file of a stored name, refused unless it lies under the folder. */
    public Path file(String name) {
        Path path = root.resolve(name).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("backup file \"" + name + "\" is not under " + root);
        }
        return path;
    }

    /** Where the file of {@code name} is written before it is complete. */
    public Path temp(String name) {
        Path file = file(name);
        return file.resolveSibling(TEMP_PREFIX + file.getFileName() + TEMP_SUFFIX);
    }

    /** A folder for the parts of a backup while they are made (removed afterwards). */
    public Path scratch(String name) {
        Path file = file(name);
        return file.resolveSibling(TEMP_PREFIX + file.getFileName() + ".parts");
    }

    /** Makes the file of {@code name} the complete {@code temp}: its bytes on disk, then renamed, then the rename. */
    public void publish(Path temp, String name) throws IOException {
        Path file = file(name);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the backups folder does not support an atomic rename: " + file.getParent(), e);
        }
        syncFolder(file.getParent());
    }

    /** Deletes a backup's file, its temporary file and its parts, whichever exist. */
    public void deleteAll(String name) throws IOException {
        Files.deleteIfExists(file(name));
        Files.deleteIfExists(temp(name));
        deleteTree(scratch(name));
    }

    static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var walk = Files.walk(folder)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a folder for fsync; the rename is then as durable as they make it.
        }
    }

    private static String part(String value) {
        if (!PART.matcher(value).matches()) {
            throw new IllegalArgumentException("\"" + value + "\" cannot name a folder of backups");
        }
        return value;
    }
}
