package io.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code berth backup} while stacks run, {@code berth restore} into a fresh data folder: the restored Berth has the
 * same users, stacks and routes (its proxy reaches the containers that kept running), and nothing made after the
 * backup. Restoring over a database keeps the old one aside; restoring while Berth runs is refused.
 */
class BackupRestoreTest {

    @Test
    void a_backup_taken_while_stacks_run_restores_users_stacks_and_routes() throws Exception {
        TestDocker.ensureDemoImage();
        try (BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            berth.start(config);
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            admin.get("/admin/users");
            admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
            Stacks.launch(alice, "demo", "keep");
            assertThat(Stacks.waitForState(alice, "/stacks/alice/keep", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            String page = alice.get("/user/alice/keep/web/").body();

            Path backup = berth.home.resolve("berth-backup.zip");
            assertThat(Backups.backup(config.store, backup)).startsWith("backup of the running Berth written to " + backup);
            assertThat(Files.size(backup)).isPositive();
            admin.post("/admin/users", Map.of("username", "bob", "password", "bob-password")); // after the backup
            assertThatThrownBy(() -> Backups.restore(config.store, backup))
                    .isInstanceOf(Backups.BackupException.class).hasMessageContaining("Berth is running");
            berth.stop();

            BerthConfig fresh = berth.config();
            fresh.store.url = "jdbc:h2:file:" + berth.home.resolve("restored/berth");
            assertThat(Backups.restore(fresh.store, backup)).startsWith("restored " + backup);
            berth.start(fresh);
            PortalClient again = new PortalClient(berth.url()).login("alice", "alice-password");
            assertThat(Stacks.waitForState(again, "/stacks/alice/keep", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            var proxied = again.get("/user/alice/keep/web/");
            assertThat(proxied.statusCode()).isEqualTo(200);
            assertThat(proxied.body()).isEqualTo(page);
            var bob = new PortalClient(berth.url());
            bob.get("/login");
            assertThat(bob.post("/login", Map.of("username", "bob", "password", "bob-password")).statusCode())
                    .as("bob was made after the backup").isNotEqualTo(302);
            berth.stop();

            // with Berth stopped, backup opens the database itself; restore over it keeps the old file aside
            Path offline = berth.home.resolve("offline.zip");
            assertThat(Backups.backup(fresh.store, offline)).startsWith("backup of the stopped Berth");
            assertThat(Backups.restore(config.store, offline)).contains("is kept as");
            try (Stream<Path> files = Files.list(berth.home.resolve("data"))) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("berth.mv.db.before-restore-"));
            }
        }
    }

    @Test
    void the_command_line_backs_up_a_running_berth_and_restores_after_a_crash() throws Exception {
        try (BerthInstance instance = new BerthInstance()) {
            BerthProcess berth = new BerthProcess(instance).start();
            Path yaml = instance.home.resolve("berth.yaml");
            Path backup = instance.home.resolve("nightly.zip");
            assertThat(cli("backup", backup.toString(), "--config", yaml.toString()))
                    .startsWith("0 berth: backup of the running Berth written to " + backup);
            assertThat(cli("restore", backup.toString(), "--config", yaml.toString()))
                    .startsWith("4 berth restore: Berth is running").contains("stop it first");
            berth.kill(); // SIGKILL leaves its socket file behind; nobody answers there any more
            assertThat(cli("restore", backup.toString(), "--config", yaml.toString()))
                    .startsWith("0 berth: restored " + backup).contains("is kept as");
            assertThat(cli("backup", "--config", yaml.toString())).startsWith("2 usage: berth");
            berth.start();
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            assertThat(admin.get("/admin/users").statusCode()).isEqualTo(200);
            berth.kill();
        }
    }

    /** Runs {@code io.berth.Main} as an operator would; answers "<exit code> <output>". */
    private static String cli(String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.berth.Main"));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return p.waitFor() + " " + out.strip();
    }

    @Test
    void bad_requests_are_refused_with_what_is_wrong() throws Exception {
        try (BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            assertThatThrownBy(() -> Backups.backup(config.store, berth.home.resolve("x.zip")))
                    .hasMessageContaining("no database at");
            assertThatThrownBy(() -> Backups.restore(config.store, berth.home.resolve("missing.zip")))
                    .hasMessageContaining("no backup file");
            Path notABackup = Files.writeString(berth.home.resolve("notes.zip"), "hello");
            assertThatThrownBy(() -> Backups.restore(config.store, notABackup)).hasMessageContaining("restore failed");
            config.store.url = "jdbc:postgresql://db/berth";
            assertThatThrownBy(() -> Backups.backup(config.store, berth.home.resolve("x.zip")))
                    .hasMessageContaining("not an embedded H2 file");
            BerthConfig running = berth.config();
            berth.start(running);
            assertThatThrownBy(() -> Backups.backup(running.store, berth.home.resolve("no/such/dir/x.zip")))
                    .hasMessageContaining("no folder");
        }
    }
}
