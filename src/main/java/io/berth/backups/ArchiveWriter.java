package io.berth.backups;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes a backup file: a gzip'd tar of {@code manifest.json} first, then each part in the manifest's order. */
final class ArchiveWriter {
    /** A part of a backup made on disk beforehand (its size and checksum are in {@code entry}). */
    record Part(Manifest.Entry entry, Path file) { }

    private ArchiveWriter() { }

    static void write(Path target, Manifest manifest, List<Part> parts) throws IOException {
        try (OutputStream file = Files.newOutputStream(target);
             GZIPOutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(file, 1 << 16), 1 << 16);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] json = manifest.toJson();
            TarArchiveEntry head = new TarArchiveEntry(Manifest.NAME);
            head.setSize(json.length);
            tar.putArchiveEntry(head);
            tar.write(json);
            tar.closeArchiveEntry();
            for (Part part : parts) {
                TarArchiveEntry entry = new TarArchiveEntry(part.entry().name());
                entry.setSize(Files.size(part.file()));
                tar.putArchiveEntry(entry);
                Files.copy(part.file(), tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }
}
