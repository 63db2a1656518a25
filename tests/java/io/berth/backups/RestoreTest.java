package io.berth.backups;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static io.berth.testing.Stacks.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restores on real Docker: data deleted after a backup comes back with a restore into the same stack (whose current
 * data is backed up first); a clone is a new stack holding the backup's data; a dump is fed back to its restore
 * command; a backup whose template no longer backs up the same volumes is refused with the reason.
 */
class RestoreTest {
    private static final Pattern DONE_ROW = Pattern.compile("id=\"backup-(\\d+)\" class=\"backup-done\"");
    private static BerthInstance berth;
    private static PortalClient alice;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("notes.yaml", BackUpNowTest.NOTES);
        berth.template("dumper.yaml", BackUpNowTest.DUMPER);
        berth.template("changing.yaml", BackUpNowTest.NOTES.replace("name: notes", "name: changing"));
        berth.start(BackUpNowTest.config(berth));
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        alice = berth.member(admin, "alice");
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    private static String exec(String stack, String service, String script) {
        return TestDocker.run(List.of("docker", "exec", berth.run + "-alice--" + stack.replace("-", "-2d") + "--"
                + service, "sh", "-c", script));
    }

    /** Backs the stack up through its page; returns the new backup's id. */
    private static String backUp(String stack) {
        String page = "/stacks/alice/" + stack;
        long before = DONE_ROW.matcher(alice.get(page).body()).results().count();
        assertThat(alice.post(page + "/backups", Map.of()).statusCode()).isEqualTo(302);
        waitUntil("a backup of " + stack, () -> DONE_ROW.matcher(alice.get(page).body()).results().count() > before,
                Duration.ofSeconds(60), () -> alice.get(page).body());
        Matcher m = DONE_ROW.matcher(alice.get(page).body());
        assertThat(m.find()).isTrue();
        return m.group(1); // newest first
    }

    private static void awaitHistory(String stack, String line) {
        waitUntil("\"" + line + "\" in the history of " + stack, () -> alice.get("/stacks/alice/" + stack).body()
                .contains(line), Duration.ofSeconds(90), () -> alice.get("/stacks/alice/" + stack).body());
    }

    @Test
    void data_deleted_after_a_backup_comes_back_with_a_restore_and_the_data_before_is_backed_up_first() {
        launch(alice, "notes", "r1");
        assertThat(waitForState(alice, "/stacks/alice/r1", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        exec("r1", "web", "echo run-42 > /data/runs.txt && mkdir -p /data/deep/er && echo x > /data/deep/er/y"
                + " && chown 1234:5678 /data/runs.txt && ln -s deep/er /data/link");
        String id = backUp("r1");
        exec("r1", "web", "rm -rf /data/* && echo wrong > /data/after.txt");

        alice.get("/stacks/alice/r1");
        var answer = alice.post("/stacks/alice/r1/backups/" + id + "/restore", Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        awaitHistory("r1", "Restore of backup " + id + " done");

        assertThat(waitForState(alice, "/stacks/alice/r1", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(exec("r1", "web", "cat /data/runs.txt; stat -c %u:%g /data/runs.txt; cat /data/link/y;"
                + " ls /data")).isEqualTo("run-42\n1234:5678\nx\ndeep\nlink\nruns.txt\n");
        String page = alice.get("/stacks/alice/r1").body();
        assertThat(page).contains("Restore: backing up the current data first").contains("(before-restore)");
    }

    @Test
    void a_clone_is_a_new_stack_of_the_same_template_holding_the_backups_data() {
        launch(alice, "notes", "c1");
        assertThat(waitForState(alice, "/stacks/alice/c1", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        exec("c1", "web", "echo tuesday > /data/day.txt");
        String id = backUp("c1");
        exec("c1", "web", "echo wednesday > /data/day.txt");

        alice.get("/stacks/alice/c1");
        var answer = alice.post("/stacks/alice/c1/backups/" + id + "/clone", Map.of("name", "c1-tuesday"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location")).hasValue("/stacks/alice/c1-tuesday");
        awaitHistory("c1-tuesday", "Restore of backup " + id + " done");

        assertThat(waitForState(alice, "/stacks/alice/c1-tuesday", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(exec("c1-tuesday", "web", "cat /data/day.txt")).isEqualTo("tuesday\n");
        assertThat(exec("c1", "web", "cat /data/day.txt")).isEqualTo("wednesday\n");
    }

    @Test
    void a_dump_is_fed_back_to_the_restore_command() {
        launch(alice, "dumper", "dr");
        assertThat(waitForState(alice, "/stacks/alice/dr", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String id = backUp("dr");
        alice.get("/stacks/alice/dr");
        assertThat(alice.post("/stacks/alice/dr/backups/" + id + "/restore", Map.of()).statusCode()).isEqualTo(302);
        awaitHistory("dr", "Restore of backup " + id + " done");
        assertThat(exec("dr", "db", "cat /tmp/restored")).isEqualTo("dumped-data\n");
    }

    @Test
    void a_backup_whose_template_now_backs_up_other_volumes_is_refused_with_the_reason() throws Exception {
        launch(alice, "changing", "old");
        assertThat(waitForState(alice, "/stacks/alice/old", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String id = backUp("old");
        berth.template("changing.yaml", BackUpNowTest.NOTES.replace("name: notes", "name: changing")
                .replace("data:", "store:").replace("[data]", "[store]"));
        waitUntil("the catalog re-reads changing.yaml", () -> alice.get("/catalog").body().contains("changing"),
                Duration.ofSeconds(2), () -> "");
        Thread.sleep(2500); // the catalog notices a changed file within a second or two

        alice.get("/stacks/alice/old");
        var answer = alice.post("/stacks/alice/old/backups/" + id + "/restore", Map.of());

        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(answer.body()).contains("This backup cannot be restored").contains("web volume data stack")
                .contains("web volume store stack");
    }

    @Test
    void a_backup_of_a_deleted_stack_is_restored_into_a_new_stack_from_the_dashboard() {
        launch(alice, "notes", "gone");
        assertThat(waitForState(alice, "/stacks/alice/gone", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        exec("gone", "web", "echo still-here > /data/keep.txt");
        String id = backUp("gone");
        alice.get("/stacks/alice/gone");
        alice.post("/stacks/alice/gone/delete", Map.of("delete_data", "true"));
        waitUntil("the stack is deleted", () -> alice.get("/stacks/alice/gone").statusCode() == 404,
                Duration.ofSeconds(30), () -> "");

        String dashboard = alice.get("/dashboard").body();
        assertThat(dashboard).contains("Backups of deleted stacks").contains("id=\"deleted-backup-" + id + "\"")
                .contains("gone (notes)");
        var answer = alice.post("/backups/" + id + "/restore", Map.of("name", "back"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        awaitHistory("back", "Restore of backup " + id + " done");
        assertThat(waitForState(alice, "/stacks/alice/back", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(exec("back", "web", "cat /data/keep.txt")).isEqualTo("still-here\n");
        PortalClient bob = berth.member(new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD),
                "bob");
        bob.get("/dashboard");
        assertThat(bob.post("/backups/" + id + "/restore", Map.of("name", "stolen")).statusCode()).isEqualTo(404);
    }
}
