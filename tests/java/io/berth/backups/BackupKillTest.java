package io.berth.backups;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static io.berth.testing.Stacks.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Berth killed with SIGKILL in the middle of a real backup, while the service it copies is stopped for the copy: the
 * next Berth marks that backup failed, leaves no file that looks like a backup, starts the service again, and the
 * next backup of the stack succeeds. (BackUpNowTest's crash case builds the same leftovers by hand; this one makes a
 * real process leave them at whatever point the copy had reached.)
 */
class BackupKillTest {
    private static final Pattern DONE_ROW = Pattern.compile("class=\"backup-done\"");
    private static final Pattern FAILED_ROW = Pattern.compile("class=\"backup-failed\"");
    private final BerthInstance instance;
    private BerthProcess berth;

    BackupKillTest() throws Exception {
        TestDocker.ensureDemoImage();
        instance = new BerthInstance();
        instance.template("notes.yaml", BackUpNowTest.NOTES);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (berth != null) {
            berth.kill();
        }
        instance.close();
    }

    @Test
    void a_berth_killed_mid_backup_leaves_a_failed_row_no_file_and_a_running_service_and_the_next_backup_works()
            throws Exception {
        Path folder = instance.home.resolve("backups");
        berth = new BerthProcess(instance).withYaml("backups: {dir: \"" + folder + "\", schedule: \"off\"}\n").start();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
        PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
        launch(alice, "notes", "big");
        assertThat(waitForState(alice, "/stacks/alice/big", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String container = instance.run + "-alice--big--web";
        // 120 MB that gzip cannot shrink: the copy takes seconds, long enough to be cut
        TestDocker.run(List.of("docker", "exec", container, "sh", "-c",
                "head -c 120000000 /dev/urandom > /data/runs.bin && echo precious > /data/notes.txt"));

        assertThat(alice.post("/stacks/alice/big/backups", Map.of()).statusCode()).isEqualTo(302);
        waitUntil("the service stopped for the copy and the file begun", () -> {
            try {
                return TestDocker.inspect(container, "{{.State.Running}}").strip().equals("false")
                        && !files(folder).isEmpty();
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(30), () -> "");
        berth.kill();
        assertThat(TestDocker.inspect(container, "{{.State.Running}}").strip()).as("left stopped by the killed Berth")
                .isEqualTo("false");

        berth.start();
        alice = new PortalClient(berth.url()).login("alice", "alice-password");
        String page = alice.get("/stacks/alice/big").body();
        assertThat(FAILED_ROW.matcher(page).results().count()).as("the cut backup, failed").isEqualTo(1);
        assertThat(DONE_ROW.matcher(page).find()).as("nothing counted as a backup").isFalse();
        assertThat(page).contains("Berth stopped while this backup ran");
        assertThat(files(folder)).as("no half file, no temporary file, no parts").isEmpty();
        assertThat(TestDocker.inspect(container, "{{.State.Running}}").strip())
                .as("the service stopped for the copy runs again").isEqualTo("true");
        assertThat(waitForState(alice, "/stacks/alice/big", "READY", Duration.ofSeconds(10))).isEqualTo("READY");

        assertThat(alice.post("/stacks/alice/big/backups", Map.of()).statusCode()).isEqualTo(302);
        PortalClient owner = alice;
        waitUntil("the next backup ends", () -> DONE_ROW.matcher(owner.get("/stacks/alice/big").body()).find()
                || FAILED_ROW.matcher(owner.get("/stacks/alice/big").body()).results().count() > 1,
                Duration.ofSeconds(120), () -> owner.get("/stacks/alice/big").body());
        assertThat(DONE_ROW.matcher(alice.get("/stacks/alice/big").body()).find()).as("the next backup succeeds").isTrue();
        List<Path> written = files(folder);
        assertThat(written).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).endsWith(".tar.gz"));
        assertThat(ArchiveReader.check(written.get(0)).template()).isEqualTo("notes");
    }

    /** Every regular file under the backups folder (backups, temporary files, parts). */
    private static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
