package io.berth.usage;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.backend.docker.DockerBackend;
import io.berth.config.BerthConfig;
import io.berth.testing.ApiCalls;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What stacks really use, on real Docker: a service burning a core and one holding 200 MB show so in the API within
 * two sample intervals, a volume filled with 50 MB shows 50 MB, a reading that hangs holds up no other and is counted
 * in /metrics, the history survives a restart, and idle_cpu_below keeps a busy stack from being culled.
 */
class UsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MIB = 1024 * 1024;

    /** burn: one core and 50 MB written to its volume; hold: 200 MB resident (dd's buffer, its pipe never read). */
    private static final String HOG = """
            name: hog
            title: Uses CPU, memory and disk
            volumes:
              data: {scope: stack}
            services:
              burn:
                image: berth/demo:latest
                command: [sh, -c, "dd if=/dev/zero of=/data/fill bs=1M count=50 && sync && while :; do :; done"]
                volumes: ["data:/data"]
                resources: {cpu: 1, memory: 128m}
                expose: [{tcp: 8080}]
                health: none
              hold:
                image: berth/demo:latest
                command: [sh, -c, "dd if=/dev/zero bs=200M count=1 | sleep 100000"]
                resources: {cpu: 0.5, memory: 512m}
                health: none
            """;
    private static final String STUCK = """
            name: stuck
            title: Its engine never answers for it
            services:
              stuck:
                image: berth/demo:latest
                command: [sleep, "100000"]
                expose: [{tcp: 8080}]
                health: none
            """;

    private static BerthConfig config(BerthInstance berth) {
        BerthConfig config = berth.config();
        config.usage.intervalSeconds = 2;
        config.usage.perStackMetrics = true;
        return config;
    }

    private static JsonNode usage(BerthInstance berth, String token, String stack, String range) throws Exception {
        HttpResponse<String> r = ApiCalls.call(berth.url(), token, "GET", "/stacks/admin/" + stack + "/usage?range="
                + range, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode service(JsonNode report, String name) {
        for (JsonNode s : report.path("services")) {
            if (s.path("service").asText().equals(name)) {
                return s;
            }
        }
        return JSON.missingNode();
    }

    @Test
    void a_busy_service_a_big_one_and_a_full_volume_show_what_they_use_and_a_hung_reading_blocks_nothing()
            throws Exception {
        TestDocker.ensureDemoImage();
        BerthInstance berth = new BerthInstance();
        try {
            berth.template("hog.yaml", HOG);
            berth.template("stuck.yaml", STUCK);
            BerthConfig config = config(berth);
            StallingBackend backend = new StallingBackend(new DockerBackend(config.docker), "stuck");
            berth.startWith(config, backend);
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            String token = admin.createToken("usage", "read");
            launch(admin, "stuck", "stuck");
            launch(admin, "hog", "hog");
            assertThat(waitForState(admin, "/stacks/admin/stuck", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            assertThat(waitForState(admin, "/stacks/admin/hog", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            long ready = System.nanoTime();

            AtomicReference<JsonNode> last = new AtomicReference<>();
            Stacks.waitUntil("≈1 core and ≈200 MiB in the API", () -> {
                try {
                    JsonNode report = usage(berth, token, "hog", "1h");
                    last.set(report);
                    JsonNode burn = service(report, "burn").path("current");
                    JsonNode hold = service(report, "hold").path("current");
                    return burn.path("cpu_cores").asDouble() > 0.3
                            && hold.path("memory_bytes").asDouble() > 190 * MIB;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Duration.ofSeconds(20), () -> String.valueOf(last.get()));
            // two intervals of 2 s, plus a reading's second and a round's start
            assertThat(Duration.ofNanos(System.nanoTime() - ready)).isLessThan(Duration.ofSeconds(9));
            JsonNode report = last.get();
            JsonNode burn = service(report, "burn");
            JsonNode hold = service(report, "hold");
            // ≈1 core on an idle host; on a shared one (this machine: 2 cores, load 6) what the engine itself says
            double engineSays = Double.parseDouble(TestDocker.run(java.util.List.of("docker", "stats", "--no-stream",
                    "--format", "{{.CPUPerc}}", io.berth.backend.ObjectNames.container(berth.run,
                    new io.berth.model.StackRef("admin", "hog"), "burn"))).strip().replace("%", "")) / 100;
            assertThat(burn.path("current").path("cpu_cores").asDouble()).as("a core at most (its limit), as docker"
                    + " stats says: %s", engineSays).isBetween(0.3, 1.1).isCloseTo(engineSays, within(0.35));
            assertThat(hold.path("current").path("memory_bytes").asDouble() / MIB).isCloseTo(200, within(30.0));
            assertThat(hold.path("current").path("memory_limit_bytes").asLong()).isEqualTo(512L * 1024 * 1024);
            assertThat(hold.path("current").path("cpu_cores").asDouble()).as("holding memory costs no CPU")
                    .isLessThan(0.1);
            assertThat(burn.path("series").path("t").size()).isPositive()
                    .isEqualTo(burn.path("series").path("cpu_cores").size());
            assertThat(report.path("step_seconds").asInt()).isEqualTo(2);

            Stacks.waitUntil("the volume measured at ≈50 MB", () -> {
                try {
                    JsonNode volumes = usage(berth, token, "hog", "1h").path("volumes");
                    return volumes.size() == 1 && volumes.get(0).path("volume").asText().equals("data")
                            && Math.abs(volumes.get(0).path("bytes").asDouble() / MIB - 50) < 2;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Duration.ofSeconds(20), () -> "");

            // the stalled reading: others keep getting fresh points, the stall is counted
            assertThat(backend.stalls.get()).as("the stuck service was asked").isPositive();
            int pointsBefore = service(usage(berth, token, "hog", "1h"), "burn").path("series").path("t").size();
            Stacks.sleep(7_000); // longer than a reading's 5 s deadline
            int pointsAfter = service(usage(berth, token, "hog", "1h"), "burn").path("series").path("t").size();
            assertThat(pointsAfter - pointsBefore).as("fresh points of burn while stuck hangs").isGreaterThanOrEqualTo(2);
            String metrics = RawHttp.get(berth.url(), "/metrics").body();
            assertThat(metrics).containsPattern("berth_usage_readings_total\\{result=\"timeout\"} [1-9]")
                    .containsPattern("berth_usage_readings_total\\{result=\"ok\"} [1-9]")
                    .contains("berth_service_cpu_cores{owner=\"admin\",service=\"burn\",stack=\"hog\"}")
                    .contains("berth_service_memory_bytes{owner=\"admin\",service=\"hold\",stack=\"hog\"}")
                    .contains("berth_volume_bytes{owner=\"admin\",stack=\"hog\",volume=\"data\"}");
            assertThat(admin.get("/stacks/admin/hog").body()).contains("<h2>Usage</h2>").contains("id=\"usage\"")
                    .containsPattern("of 512 MiB");

            // a restart keeps the five-minute points of the week (saved at shutdown)
            JsonNode before = service(usage(berth, token, "hog", "24h"), "burn").path("series");
            berth.stop();
            berth.startWith(config, new StallingBackend(new DockerBackend(config.docker), "stuck"));
            JsonNode day = usage(berth, token, "hog", "24h");
            assertThat(day.path("step_seconds").asInt()).isEqualTo(300);
            JsonNode after = service(day, "burn").path("series");
            assertThat(after.path("t").get(0)).as("the five minutes before the restart").isEqualTo(before.path("t").get(0));
            assertThat(after.path("cpu_cores").get(0).asDouble()).as("a busy service's point").isGreaterThan(0.2);
            assertThat(service(usage(berth, token, "hog", "1h"), "hold").path("series").path("t").size())
                    .as("the last hour falls back to the stored points").isPositive();
            assertThat(ApiCalls.call(berth.url(), token, "GET", "/stacks/admin/hog/usage?range=2d", null).statusCode())
                    .isEqualTo(400);
        } finally {
            berth.stop();
            TestDocker.cleanUp(berth.run);
        }
    }

    @Test
    void with_idle_cpu_below_a_stack_whose_service_computes_is_not_idle_and_a_quiet_one_is() throws Exception {
        TestDocker.ensureDemoImage();
        try (BerthInstance berth = new BerthInstance()) {
            String busy = """
                    name: busy
                    title: Computes with nobody watching
                    idle_timeout: 8s
                    idle_cpu_below: 0.02
                    services:
                      work:
                        image: berth/demo:latest
                        command: [sh, -c, "while :; do :; done"]
                        resources: {cpu: 0.2, memory: 32m}
                        expose: [{tcp: 8080}]
                        health: none
                    """;
            berth.template("busy.yaml", busy);
            berth.template("quiet.yaml", busy.replace("name: busy", "name: quiet")
                    .replace("[sh, -c, \"while :; do :; done\"]", "[sleep, \"100000\"]"));
            BerthConfig config = config(berth);
            config.culling.intervalSeconds = 1;
            berth.start(config);
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            launch(admin, "busy", "busy");
            launch(admin, "quiet", "quiet");
            assertThat(waitForState(admin, "/stacks/admin/busy", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            assertThat(admin.get("/stacks/admin/busy").body())
                    .contains("no traffic and less than 0.02 CPU cores for 8 seconds");

            assertThat(waitForState(admin, "/stacks/admin/quiet", "STOPPED", Duration.ofSeconds(25)))
                    .isEqualTo("STOPPED");
            assertThat(waitForState(admin, "/stacks/admin/busy", "READY", Duration.ofSeconds(1)))
                    .as("a stack computing at 0.2 cores without traffic is still running").isEqualTo("READY");
        }
    }
}
