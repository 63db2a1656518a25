package io.berth.backups;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Reads the tar of one volume from a backup and writes it out again entry by entry, refusing anything that could
 * land outside the volume: a path that is absolute or climbs with {@code ..}, a path through a symbolic link the
 * archive made, a symbolic link whose target leaves the volume (absolute, or climbing above its root), a hard link
 * to something not in the volume, and every kind of entry but folders, files and links (no devices, no pipes). What
 * comes out is Berth's own tar of the entries it checked, never the bytes it was given, so the engine extracts only
 * that. Owners, modes and times are kept.
 */
final class VolumeTar {
    private final String what;
    private final Set<String> links = new HashSet<>();
    private final Set<String> seen = new HashSet<>();

    private VolumeTar(String what) {
        this.what = what;
    }

    /** Checks the volume tar {@code in} (named {@code what} in messages) and copies it to {@code out} (may be null). */
    static void copy(String what, InputStream in, OutputStream out) throws IOException, BadArchiveException {
        if (out != null) {
            new VolumeTar(what).run(in, out);
            return;
        }
        try {
            new VolumeTar(what).run(in, null);
        } catch (ArchiveReader.SourceFailure e) {
            throw e; // the backup file itself failed (cut short, damaged gzip): said so by ArchiveReader
        } catch (IOException e) { // only reading happens: the bytes are no valid tar
            throw new BadArchiveException("The backup is refused: " + what + " is not a valid tar ("
                    + e.getMessage() + ").");
        }
    }

    private void run(InputStream in, OutputStream out) throws IOException, BadArchiveException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveOutputStream copy = out == null ? null : new TarArchiveOutputStream(out);
        if (copy != null) {
            copy.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            copy.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            String path = path(entry.getName());
            if (path.isEmpty()) {
                continue; // the volume's root itself ("./")
            }
            for (String parent = parentOf(path); !parent.isEmpty(); parent = parentOf(parent)) {
                if (links.contains(parent)) {
                    throw bad("\"" + entry.getName() + "\" lies under the symbolic link \"" + parent + "\"");
                }
            }
            byte flag = entry.getLinkFlag();
            boolean file = flag == TarArchiveEntry.LF_NORMAL || flag == TarArchiveEntry.LF_OLDNORM;
            boolean folder = flag == TarArchiveEntry.LF_DIR;
            if (!file && !folder && flag != TarArchiveEntry.LF_SYMLINK && flag != TarArchiveEntry.LF_LINK) {
                throw bad("\"" + entry.getName() + "\" is a device, pipe or other special file");
            }
            TarArchiveEntry clean = new TarArchiveEntry(folder ? path + "/" : path,
                    file ? TarArchiveEntry.LF_NORMAL : flag, false);
            if (entry.isSymbolicLink()) {
                checkLinkTarget(path, entry.getLinkName());
                links.add(path);
                clean.setLinkName(entry.getLinkName());
            } else if (entry.isLink()) {
                String target = path(entry.getLinkName());
                if (!seen.contains(target)) {
                    throw bad("the hard link \"" + entry.getName() + "\" points to \"" + entry.getLinkName()
                            + "\", which is not a file of the volume");
                }
                clean.setLinkName(target);
            } else if (file) {
                clean.setSize(entry.getSize());
            }
            seen.add(path);
            clean.setMode(entry.getMode());
            clean.setUserId(entry.getLongUserId());
            clean.setGroupId(entry.getLongGroupId());
            clean.setModTime(entry.getModTime());
            if (copy != null) {
                copy.putArchiveEntry(clean);
                if (file) {
                    long copied = tar.transferTo(copy);
                    if (copied != entry.getSize()) {
                        throw bad("\"" + entry.getName() + "\" is cut short");
                    }
                }
                copy.closeArchiveEntry();
            } else if (file) {
                tar.transferTo(OutputStream.nullOutputStream());
            }
        }
        if (copy != null) {
            copy.finish();
        }
    }

    /** A path inside the volume without {@code ./}, or a refusal. */
    private String path(String name) throws BadArchiveException {
        if (name.startsWith("/")) {
            throw bad("\"" + name + "\" is an absolute path");
        }
        if (name.indexOf('\0') >= 0 || name.contains("\\")) {
            throw bad("\"" + name + "\" holds a character a path in a volume may not");
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw bad("\"" + name + "\" climbs out of the volume with ..");
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    /** A symbolic link's target must stay inside the volume, resolved from the link's own folder. */
    private void checkLinkTarget(String path, String target) throws BadArchiveException {
        if (target.isEmpty() || target.startsWith("/")) {
            throw bad("the symbolic link \"" + path + "\" points to \"" + target + "\", outside the volume");
        }
        int depth = path.split("/").length - 1;
        for (String part : target.split("/")) {
            if (part.equals("..")) {
                depth--;
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
            if (depth < 0) {
                throw bad("the symbolic link \"" + path + "\" points to \"" + target + "\", outside the volume");
            }
        }
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private BadArchiveException bad(String why) {
        return new BadArchiveException("The backup is refused: in " + what + ", " + why + ".");
    }
}
