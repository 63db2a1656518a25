package io.berth.backups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup files made by hand to hurt: each is refused by the check every restore runs before it writes anything,
 * with a message that says what is wrong. The manifests are honest about checksums (an attacker can compute them),
 * so what stops these files is the check of paths, links, sizes and structure.
 */
class HostileArchiveTest {
    @TempDir
    Path dir;

    /** One entry of a volume tar: a file, folder, symbolic link ({@code link} set) or hard link ({@code hard}). */
    record Item(String name, String content, String link, boolean hard, byte type) {
        static Item file(String name, String content) {
            return new Item(name, content, null, false, TarArchiveEntry.LF_NORMAL);
        }

        static Item symlink(String name, String target) {
            return new Item(name, null, target, false, TarArchiveEntry.LF_SYMLINK);
        }

        static Item hardlink(String name, String target) {
            return new Item(name, null, target, true, TarArchiveEntry.LF_LINK);
        }

        static Item fifo(String name) {
            return new Item(name, null, null, false, TarArchiveEntry.LF_FIFO);
        }
    }

    static byte[] volumeTar(List<Item> items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Item item : items) {
                TarArchiveEntry e = new TarArchiveEntry(item.name(), item.type(), true);
                if (item.link() != null) {
                    e.setLinkName(item.link());
                }
                byte[] data = item.content() == null ? new byte[0] : item.content().getBytes(StandardCharsets.UTF_8);
                e.setSize(data.length);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A backup file holding {@code volumes/web/data.tar} = {@code part}; {@code sizeSaid} is what its manifest says. */
    Path backup(byte[] part, long sizeSaid) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(part));
        Manifest manifest = new Manifest(Manifest.FORMAT, "notes", "x", "web volume data stack", "test", "now",
                "alice", "n1", Map.of(), Map.of(), List.of(new Manifest.Entry("volumes/web/data.tar", "web", "volume",
                "data", "stack", sizeSaid, sha)));
        Path file = Files.createTempFile(dir, "backup-", ".tar.gz");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            byte[] json = manifest.toJson();
            TarArchiveEntry head = new TarArchiveEntry(Manifest.NAME);
            head.setSize(json.length);
            tar.putArchiveEntry(head);
            tar.write(json);
            tar.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry("volumes/web/data.tar");
            e.setSize(part.length);
            tar.putArchiveEntry(e);
            tar.write(part);
            tar.closeArchiveEntry();
        }
        return file;
    }

    Path backup(List<Item> items) throws Exception {
        byte[] part = volumeTar(items);
        return backup(part, part.length);
    }

    @Test
    void a_well_made_backup_passes() throws Exception {
        Path file = backup(List.of(Item.file("./notes/a.txt", "hello"), Item.symlink("./latest", "notes/a.txt"),
                Item.hardlink("./copy", "./notes/a.txt")));
        assertThatCode(() -> ArchiveReader.check(file)).doesNotThrowAnyException();
    }

    @Test
    void a_path_that_climbs_out_with_dot_dot_is_refused() throws Exception {
        Path file = backup(List.of(Item.file("./../../etc/cron.d/evil", "* * * * * root sh")));
        assertThatThrownBy(() -> ArchiveReader.check(file)).isInstanceOf(BadArchiveException.class)
                .hasMessageContaining("climbs out of the volume with ..");
    }

    @Test
    void an_absolute_path_is_refused() throws Exception {
        Path file = backup(List.of(Item.file("/etc/passwd", "root::0:0::/:/bin/sh")));
        assertThatThrownBy(() -> ArchiveReader.check(file)).hasMessageContaining("\"/etc/passwd\" is an absolute path");
    }

    @Test
    void a_symbolic_link_escaping_the_volume_is_refused_and_so_is_writing_through_one() throws Exception {
        assertThatThrownBy(() -> ArchiveReader.check(backup(List.of(Item.symlink("./etc", "/etc")))))
                .hasMessageContaining("points to \"/etc\", outside the volume");
        assertThatThrownBy(() -> ArchiveReader.check(backup(List.of(Item.symlink("./a/up", "../../..")))))
                .hasMessageContaining("outside the volume");
        assertThatThrownBy(() -> ArchiveReader.check(backup(List.of(Item.symlink("./d", "sub"),
                Item.file("./d/x", "through the link")))))
                .hasMessageContaining("lies under the symbolic link \"d\"");
    }

    @Test
    void a_hard_link_to_a_file_outside_the_volume_and_a_device_are_refused() throws Exception {
        assertThatThrownBy(() -> ArchiveReader.check(backup(List.of(Item.hardlink("./shadow", "/etc/shadow")))))
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> ArchiveReader.check(backup(List.of(Item.hardlink("./x", "never-written")))))
                .hasMessageContaining("not a file of the volume");
        assertThatThrownBy(() -> ArchiveReader.check(backup(List.of(Item.fifo("./pipe")))))
                .hasMessageContaining("special file");
    }

    @Test
    void a_manifest_that_lies_about_a_size_is_refused() throws Exception {
        byte[] part = volumeTar(List.of(Item.file("./big", "x".repeat(5000))));
        assertThatThrownBy(() -> ArchiveReader.check(backup(part, part.length / 2)))
                .hasMessageContaining("\"volumes/web/data.tar\" is " + part.length + " bytes, but its manifest says "
                        + part.length / 2);
        assertThatThrownBy(() -> ArchiveReader.check(backup(part, part.length * 2L)))
                .hasMessageContaining("but its manifest says " + part.length * 2L);
    }

    @Test
    void a_truncated_gzip_is_refused() throws Exception {
        Path whole = backup(List.of(Item.file("./a", "y".repeat(100_000))));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.tar.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 40));
        assertThatThrownBy(() -> ArchiveReader.check(cut)).isInstanceOf(BadArchiveException.class)
                .hasMessageContaining("ends too early");
    }

    @Test
    void a_changed_byte_fails_the_checksum() throws Exception {
        byte[] part = volumeTar(List.of(Item.file("./a", "original")));
        Path file = backup(part, part.length);
        // the same archive with one byte of the file's content changed, its manifest left as it was
        byte[] changed = part.clone();
        int at = new String(changed, StandardCharsets.ISO_8859_1).indexOf("original");
        changed[at] = 'O';
        Path forged = dir.resolve("forged.tar.gz");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(part));
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(forged)))) {
            byte[] json = new Manifest(Manifest.FORMAT, "notes", "x", "web volume data stack", "test", "now", "alice",
                    "n1", Map.of(), Map.of(), List.of(new Manifest.Entry("volumes/web/data.tar", "web", "volume",
                    "data", "stack", part.length, sha))).toJson();
            TarArchiveEntry head = new TarArchiveEntry(Manifest.NAME);
            head.setSize(json.length);
            tar.putArchiveEntry(head);
            tar.write(json);
            tar.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry("volumes/web/data.tar");
            e.setSize(changed.length);
            tar.putArchiveEntry(e);
            tar.write(changed);
            tar.closeArchiveEntry();
        }
        assertThatCode(() -> ArchiveReader.check(file)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ArchiveReader.check(forged)).hasMessageContaining("checksum of \"volumes/web/data.tar\""
                + " does not match");
    }

    @Test
    void an_entry_the_manifest_does_not_list_or_a_file_that_is_no_gzip_is_refused() throws Exception {
        Path notGzip = dir.resolve("plain.tar.gz");
        Files.writeString(notGzip, "just text, not a backup");
        assertThatThrownBy(() -> ArchiveReader.check(notGzip)).hasMessageContaining("not a gzip file");
        Path extra = dir.resolve("extra.tar.gz");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(extra)))) {
            byte[] json = new Manifest(Manifest.FORMAT, "notes", "x", "", "test", "now", "alice", "n1", Map.of(),
                    Map.of(), List.of()).toJson();
            TarArchiveEntry head = new TarArchiveEntry(Manifest.NAME);
            head.setSize(json.length);
            tar.putArchiveEntry(head);
            tar.write(json);
            tar.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry("../../../../tmp/owned");
            e.setSize(1);
            tar.putArchiveEntry(e);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        assertThatThrownBy(() -> ArchiveReader.check(extra)).hasMessageContaining("which its manifest does not list");
        assertThat(Files.exists(Path.of("/tmp/owned"))).isFalse();
    }
}
