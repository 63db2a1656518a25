package io.berth.backups;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static io.berth.testing.Stacks.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The daily schedule and retention on real Docker: with the slot put at this hour, a stack that existed before it
 * is backed up by the next pass (every 30 s) without anyone asking; {@code backups.keep: 2} keeps the two newest
 * files; {@code /metrics} counts it all.
 */
class ScheduleTest {
    private static BerthInstance berth;
    private static PortalClient alice;
    private static PortalClient admin;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("notes.yaml", BackUpNowTest.NOTES);
        // the same, but its template says its stacks are backed up on demand only
        berth.template("scratch.yaml", "backups: {schedule: \"off\"}\n" + BackUpNowTest.NOTES.replace("name: notes",
                "name: scratch"));
        var config = BackUpNowTest.config(berth);
        config.backups.schedule = "daily";
        config.backups.hour = LocalTime.now().getHour();
        config.backups.spreadMinutes = 0;
        config.backups.keep = 2;
        berth.start(config);
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        alice = berth.member(admin, "alice");
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    private static long backups(String status) {
        return java.util.regex.Pattern.compile("class=\"backup-" + status + "\"").matcher(
                alice.get("/stacks/alice/daily").body()).results().count();
    }

    @Test
    void a_scheduled_backup_runs_by_itself_retention_keeps_the_newest_and_a_template_may_opt_out() throws Exception {
        launch(alice, "notes", "daily");
        launch(alice, "scratch", "scratch");
        assertThat(waitForState(alice, "/stacks/alice/daily", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(waitForState(alice, "/stacks/alice/scratch", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        // the stacks existed before today's slot (this hour): as if launched yesterday
        org.jdbi.v3.core.Jdbi.create(berth.config().store.url, "berth", "").useHandle(h -> h.createUpdate(
                "UPDATE stacks SET created_at = :t").bind("t", Instant.now().minus(Duration.ofDays(1))).execute());

        waitUntil("a scheduled backup", () -> backups("done") == 1, Duration.ofSeconds(70),
                () -> alice.get("/stacks/alice/daily").body());
        assertThat(alice.get("/stacks/alice/daily").body()).contains("(schedule)");
        assertThat(alice.get("/stacks/alice/scratch").body()).as("backups: {schedule: off} in its template")
                .doesNotContain("(schedule)").doesNotContain("class=\"backup-");
        var files = java.nio.file.Files.list(berth.home.resolve("backups/alice/daily")).sorted().toList();
        assertThat(files).hasSize(1);

        for (int i = 0; i < 2; i++) {
            alice.get("/stacks/alice/daily");
            assertThat(alice.post("/stacks/alice/daily/backups", Map.of()).statusCode()).isEqualTo(302);
            int expected = Math.min(2, i + 2);
            waitUntil("backup " + (i + 2), () -> !alice.get("/stacks/alice/daily").body().contains("backup-running")
                    && backups("done") == expected, Duration.ofSeconds(60), () -> alice.get("/stacks/alice/daily").body());
            Thread.sleep(1100); // file names carry the second
        }

        var kept = java.nio.file.Files.list(berth.home.resolve("backups/alice/daily")).sorted().toList();
        assertThat(kept).hasSize(2).doesNotContain(files.get(0));
        assertThat(alice.get("/stacks/alice/daily").body()).doesNotContain("(schedule)");
        String metrics = admin.get("/metrics").body();
        assertThat(metrics).contains("berth_backup_duration_seconds_count 3").contains("berth_backup_bytes ");
    }
}
