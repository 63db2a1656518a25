package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Services that run out of memory, on a real engine: a service whose process allocates 100 MB under a 64 MiB limit
 * is killed by the kernel, and Docker's restart policy (or Berth's crash-loop logic) takes it from there. Each kill
 * is one line in the stack's history, "mongo killed: out of memory (limit 64 MiB)" — not one per reconcile pass, and
 * not again after Berth restarts — and the stack page warns about it; a service holding 58 MB of its 64 MiB is warned
 * about before that happens. What the engine itself says (its {@code die} events, exit code 137) is the count the
 * history must match.
 */
class OomKillTest {
    private static final String KILLED = "mongo killed: out of memory (limit 64 MiB)";
    private static final Pattern EVENT = Pattern.compile("<li id=\"event-\\d+\"><time>[^<]*</time> ([^<]*)</li>");

    /** Killed on its first {@code kills} runs (the count survives a restart in the container's own files). */
    private static String greedy(String name, int kills) {
        return """
                name: %s
                services:
                  mongo:
                    image: berth/demo:latest
                    command: [sh, -c, 'n=$(cat /tmp/runs 2>/dev/null || echo 0); echo $((n + 1)) > /tmp/runs; if [ "$n" -lt %d ]; then sleep 2; exec dd if=/dev/zero of=/dev/null bs=100M count=1; fi; exec sleep 100000']
                    resources: {memory: 64m}
                    expose: [{tcp: 8080}]
                    health: none
                """.formatted(name, kills);
    }

    private BerthInstance berth;
    private Process engineEvents;
    /** Exit codes of this run's containers, as the engine's {@code die} events give them, watched from the start. */
    private final List<String> dies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        engineEvents = new ProcessBuilder("docker", "events", "--filter", "label=berth.instance=" + berth.run,
                "--filter", "event=die", "--format", "{{.Actor.Attributes.exitCode}}").start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(engineEvents.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    dies.add(line.strip());
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    @AfterEach
    void tearDown() {
        engineEvents.destroy();
        berth.close();
    }

    private BerthConfig config() {
        BerthConfig config = berth.config();
        config.usage.intervalSeconds = 2;
        return config;
    }

    private static List<String> history(PortalClient client, String stack) {
        String page = client.get("/stacks/admin/" + stack).body();
        String events = page.substring(page.indexOf("id=\"events\""));
        List<String> lines = new java.util.ArrayList<>();
        Matcher m = EVENT.matcher(events);
        while (m.find()) {
            lines.add(m.group(1));
        }
        return lines;
    }

    private static long killsIn(List<String> history) {
        return history.stream().filter(KILLED::equals).count();
    }

    private long killsByEngine() {
        return dies.stream().filter("137"::equals).count();
    }

    @Test
    void a_service_killed_for_memory_twice_is_told_once_per_kill_and_warned_about_on_its_page() throws Exception {
        berth.template("greedy.yaml", greedy("greedy", 2));
        berth.start(config());
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        launch(admin, "greedy", "greedy");
        assertThat(waitForState(admin, "/stacks/admin/greedy", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String container = berth.run + "-admin--greedy--mongo";

        long launched = System.nanoTime();
        Stacks.waitUntil("two kills in the history", () -> killsIn(history(admin, "greedy")) == 2,
                Duration.ofSeconds(40), () -> String.join("\n", history(admin, "greedy")));
        System.out.printf("both kills in the history %.1f s after READY%n", (System.nanoTime() - launched) / 1e9);
        Stacks.waitUntil("the engine restarted it twice", () -> "2".equals(TestDocker.inspect(container,
                "{{.RestartCount}}").strip()), Duration.ofSeconds(10), () -> "");
        Stacks.sleep(4L * BerthConfig.Docker.DEFAULT_RECONCILE_SECONDS * 1000); // more passes: nothing more to tell
        assertThat(killsIn(history(admin, "greedy"))).as("once per kill, not per pass").isEqualTo(2)
                .isEqualTo(killsByEngine());
        assertThat(waitForState(admin, "/stacks/admin/greedy", "READY", Duration.ofMillis(1)))
                .as("restarted by the engine, the stack runs on").isEqualTo("READY");

        String page = admin.get("/stacks/admin/greedy").body();
        assertThat(page).contains("id=\"memory-warnings\"")
                .containsPattern("class=\"warning oom-killed\" data-service=\"mongo\">mongo was killed: out of memory"
                        + " \\(limit 64 MiB\\), 2 times in the last 24 hours, last at 20\\d\\d-");
        assertThat(RawHttp.get(berth.url(), "/metrics").body()).containsPattern("berth_oom_kills_total(\\{[^}]*})? 2\\.0");

        // a restarted Berth asks the engine for the minutes before its start: the same kills, told already
        berth.stop();
        berth.start(config());
        PortalClient again = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        Stacks.sleep(3_000);
        assertThat(killsIn(history(again, "greedy"))).as("not again after a restart of Berth").isEqualTo(2);
    }

    @Test
    void a_service_killed_at_every_start_fails_its_stack_for_a_crash_loop_and_every_kill_is_told() throws Exception {
        berth.template("greedy.yaml", greedy("always", 1000));
        BerthConfig config = config();
        config.docker.crashLoopRestarts = 3;
        config.docker.crashLoopWindowSeconds = 120;
        berth.start(config);
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        launch(admin, "always", "always");
        assertThat(waitForState(admin, "/stacks/admin/always", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        Stacks.waitUntil("FAILED for its crash loop", () -> waitForState(admin, "/stacks/admin/always", "FAILED",
                Duration.ofMillis(1)).equals("FAILED"), Duration.ofSeconds(60), () -> "");
        Stacks.waitUntil("its container removed", () -> TestDocker.containers(berth.run).isEmpty(),
                Duration.ofSeconds(30), () -> "");
        Stacks.sleep(1_000); // the last die's event on its way
        List<String> history = history(admin, "always");
        assertThat(killsByEngine()).as("the engine's kills: %s", dies).isGreaterThanOrEqualTo(3);
        assertThat(killsIn(history)).as("every kill told once: %s", history).isEqualTo(killsByEngine());
        assertThat(String.join("\n", history)).contains("Crash loop: service \"mongo\" restarting (")
                .containsPattern("last exit 137 \\(killed: out of memory\\): ");
        assertThat(admin.get("/stacks/admin/always").body()).contains("mongo was killed: out of memory (limit 64 MiB), "
                + killsByEngine() + " times in the last 24 hours");
    }

    @Test
    void a_service_near_its_memory_limit_is_warned_about_and_one_far_from_it_is_not() throws Exception {
        berth.template("full.yaml", """
                name: full
                services:
                  mongo:
                    image: berth/demo:latest
                    command: [sh, -c, "dd if=/dev/zero bs=58M count=1 | sleep 100000"]
                    resources: {memory: 64m}
                    health: none
                  web:
                    image: berth/demo:latest
                    command: [sleep, "100000"]
                    resources: {memory: 64m}
                    expose: [{tcp: 8080}]
                    health: none
                """);
        berth.start(config());
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        launch(admin, "full", "full");
        assertThat(waitForState(admin, "/stacks/admin/full", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String[] page = {""};
        Stacks.waitUntil("the near-limit warning", () -> {
            page[0] = admin.get("/stacks/admin/full").body();
            return page[0].contains("near-limit");
        }, Duration.ofSeconds(15), () -> page[0]);
        assertThat(page[0]).containsPattern("class=\"warning near-limit\" data-service=\"mongo\">mongo uses 5[89](\\.\\d)?"
                + " MiB of its 64 MiB limit").doesNotContain("data-service=\"web\">web uses").doesNotContain("oom-killed");
    }
}
