package io.berth.backups;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static io.berth.testing.Stacks.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Back up now" on real Docker: a volume archive taken with its service stopped for a moment, a dump by the
 * application's own command, a failing command reported with its output while the last good backup stays, and a
 * backup cut short by a crash of Berth marked FAILED with no file left.
 */
class BackUpNowTest {
    static final String NOTES = """
            name: notes
            volumes:
              data: {scope: stack}
            services:
              web:
                image: berth/demo:latest
                command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && echo up > "/www${stack.prefix}/index.html" && exec httpd -f -p 8080 -h /www']
                volumes: ["data:/data"]
                backup: {volumes: [data], pause: true}
                expose: [{http: 8080}]
            """;
    static final String DUMPER = """
            name: dumper
            services:
              db:
                image: berth/demo:latest
                command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && echo up > "/www${stack.prefix}/index.html" && exec httpd -f -p 8080 -h /www']
                backup:
                  command: [sh, -c, 'if [ -e /tmp/broken ]; then echo "disk on fire" >&2; exit 3; fi; echo dumped-data; echo progress >&2']
                  restore: [sh, -c, 'cat > /tmp/restored']
                expose: [{http: 8080}]
            """;
    private static final Pattern DONE_ROW = Pattern.compile("id=\"backup-(\\d+)\" class=\"backup-done\"");

    private static BerthInstance berth;
    private static PortalClient alice;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("notes.yaml", NOTES);
        berth.template("dumper.yaml", DUMPER);
        berth.start(config(berth));
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        alice = berth.member(admin, "alice");
    }

    static io.berth.config.BerthConfig config(BerthInstance berth) {
        var config = berth.config();
        config.backups.dir = berth.home.resolve("backups").toString();
        return config;
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    static String container(String stack, String service) {
        return berth.run + "-alice--" + stack + "--" + service;
    }

    static String exec(String stack, String service, String script) {
        return TestDocker.run(List.of("docker", "exec", container(stack, service), "sh", "-c", script));
    }

    /** Presses "Back up now" on the stack page and waits until the page lists a new finished (or failed) backup. */
    static String backUp(String stack) {
        String page = "/stacks/alice/" + stack;
        int before = count(alice.get(page).body());
        var answer = alice.post(page + "/backups", Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        waitUntil("a backup of " + stack + " ends", () -> count(alice.get(page).body()) > before,
                Duration.ofSeconds(60), () -> alice.get(page).body());
        return alice.get(page).body();
    }

    private static int count(String body) {
        return (int) Pattern.compile("class=\"backup-(done|failed)\"").matcher(body).results().count();
    }

    static List<Path> files(String stack) throws IOException {
        Path folder = berth.home.resolve("backups/alice").resolve(stack);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    @Test
    void a_volume_backup_stops_the_service_briefly_and_writes_one_checked_file() throws Exception {
        launch(alice, "notes", "n1");
        assertThat(waitForState(alice, "/stacks/alice/n1", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        exec("n1", "web", "echo precious > /data/runs.txt && mkdir -p /data/sub && echo deep > /data/sub/x");

        String page = backUp("n1");

        assertThat(page).containsPattern(DONE_ROW.pattern());
        assertThat(page).contains("Stopping web for a moment").contains("Starting web again");
        List<Path> files = files("n1");
        assertThat(files).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).endsWith(".tar.gz"));
        Manifest manifest = ArchiveReader.check(files.get(0));
        assertThat(manifest.template()).isEqualTo("notes");
        assertThat(manifest.entries()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("volumes/web/data.tar");
            assertThat(e.sha256()).hasSize(64);
        });
        assertThat(TestDocker.inspect(container("n1", "web"), "{{.State.Running}}").strip()).isEqualTo("true");
        assertThat(waitForState(alice, "/stacks/alice/n1", "READY", Duration.ofSeconds(5))).isEqualTo("READY");
        Matcher m = DONE_ROW.matcher(page);
        assertThat(m.find()).isTrue();
        var download = alice.get("/stacks/alice/n1/backups/" + m.group(1) + "/file");
        assertThat(download.statusCode()).isEqualTo(200);
        String token = alice.createToken("backups", "read launch");
        var listed = io.berth.testing.ApiCalls.call(berth.url(), token, "GET", "/stacks/alice/n1/backups", null);
        assertThat(listed.body()).contains("\"state\":\"DONE\"").contains("/backups/" + m.group(1) + "/file");
        var begun = io.berth.testing.ApiCalls.call(berth.url(), token, "POST", "/stacks/alice/n1/backups", "");
        assertThat(begun.statusCode()).as(begun.body()).isEqualTo(202);
        assertThat(begun.body()).contains("\"state\":\"RUNNING\"");
        waitUntil("the API's backup ends", () -> !io.berth.testing.ApiCalls.call(berth.url(), token, "GET",
                "/stacks/alice/n1/backups", null).body().contains("RUNNING"), Duration.ofSeconds(60), () -> "");
        var audit = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD).get("/admin/audit");
        assertThat(audit.body()).contains("backup.create").contains("backup.download").contains("backup.finish");
    }

    @Test
    void a_failing_backup_command_is_reported_with_its_output_and_the_last_good_backup_stays() throws Exception {
        launch(alice, "dumper", "d1");
        assertThat(waitForState(alice, "/stacks/alice/d1", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        backUp("d1");
        List<Path> good = files("d1");
        assertThat(good).hasSize(1);
        byte[] goodBytes = Files.readAllBytes(good.get(0));
        Manifest manifest = ArchiveReader.check(good.get(0));
        assertThat(manifest.entries()).singleElement().satisfies(e -> assertThat(e.bytes()).isEqualTo(12));

        exec("d1", "db", "touch /tmp/broken");
        String page = backUp("d1");

        assertThat(page).contains("class=\"backup-failed\"").contains("disk on fire").contains("exit code 3");
        assertThat(files("d1")).containsExactlyElementsOf(good);
        assertThat(Files.readAllBytes(good.get(0))).isEqualTo(goodBytes);
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        String overview = admin.get("/admin/backups").body();
        assertThat(overview).contains("id=\"owner-alice\"").contains("Latest failures").contains("disk on fire");
        assertThat(alice.get("/admin/backups").statusCode()).isEqualTo(404);
    }

    @Test
    void a_backup_cut_short_by_a_crash_is_marked_failed_and_leaves_no_file() throws Exception {
        launch(alice, "notes", "cut");
        assertThat(waitForState(alice, "/stacks/alice/cut", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        berth.stop();
        // killed while "web" was stopped for the copy
        TestDocker.run(List.of("docker", "stop", "-t", "1", container("cut", "web")));
        // what a Berth killed mid-backup leaves: a RUNNING row, a half-written temporary file and parts
        var jdbi = org.jdbi.v3.core.Jdbi.create(berth.config().store.url, "berth", "");
        var store = new io.berth.store.StackBackupStore(jdbi);
        BackupFiles files = new BackupFiles(berth.home.resolve("backups"));
        var row = store.begin(null, "alice", "gone", "notes", "schedule",
                id -> files.nameFor("alice", "gone", id, java.time.Instant.now()));
        Files.createDirectories(files.scratch(row.file()));
        Files.writeString(files.scratch(row.file()).resolve("web--data.tar"), "half");
        Files.writeString(files.temp(row.file()), "half a gzip");
        Path upload = berth.home.resolve("backups/.upload-123.part");
        Files.writeString(upload, "half an upload");
        long cutId = jdbi.withHandle(h -> h.createQuery("SELECT id FROM stacks WHERE name = 'cut'").mapTo(Long.class)
                .one());
        var paused = store.begin(cutId, "alice", "cut", "notes", "manual",
                id -> files.nameFor("alice", "cut", id, java.time.Instant.now()));

        berth.start(config(berth));

        var after = store.find(row.id()).orElseThrow();
        assertThat(after.state()).isEqualTo("FAILED");
        assertThat(after.output()).contains("Berth stopped while this backup ran");
        assertThat(Files.exists(files.temp(row.file()))).isFalse();
        assertThat(Files.exists(files.scratch(row.file()))).isFalse();
        assertThat(Files.exists(files.file(row.file()))).isFalse();
        assertThat(files("gone")).isEmpty();
        assertThat(upload).doesNotExist();
        assertThat(store.find(paused.id()).orElseThrow().state()).isEqualTo("FAILED");
        assertThat(TestDocker.inspect(container("cut", "web"), "{{.State.Running}}").strip())
                .as("the service stopped for the copy runs again").isEqualTo("true");
        alice = new PortalClient(berth.url()).login("alice", "alice-password");
        Thread.sleep(7000); // two reconcile passes (3 s apart) would fail a stack whose service stayed stopped
        assertThat(waitForState(alice, "/stacks/alice/cut", "READY", Duration.ofSeconds(5))).isEqualTo("READY");
    }
}
