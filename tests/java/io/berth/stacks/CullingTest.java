package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Idle culling: a stack without traffic through the proxy is stopped after its template's idle_timeout, a busy
 * one is left alone, and what was stopped keeps its record and starts again.
 */
class CullingTest {

    /** The demo template with a short fuse. */
    private static String template(String name, String fuse) throws Exception {
        return Files.readString(Path.of("templates/demo.yaml")).replace("name: demo", "name: " + name + "\n" + fuse);
    }

    @Test
    void on_real_docker_an_idle_stack_is_stopped_and_a_busy_one_is_not() throws Exception {
        TestDocker.ensureDemoImage();
        try (BerthInstance berth = new BerthInstance()) {
            berth.template("sleepy.yaml", template("sleepy", "idle_timeout: 5s"));
            BerthConfig config = berth.config();
            config.culling.intervalSeconds = 1;
            berth.start(config);
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            launch(admin, "sleepy", "idle");
            launch(admin, "sleepy", "busy");
            assertThat(waitForState(admin, "/stacks/admin/idle", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            assertThat(waitForState(admin, "/stacks/admin/busy", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            assertThat(admin.get("/stacks/admin/busy").body()).contains("id=\"cull\"")
                    .contains("no traffic for 5 seconds, its template's idle_timeout");

            long began = System.nanoTime();
            while (System.nanoTime() - began < Duration.ofSeconds(12).toNanos()) {
                assertThat(admin.get("/user/admin/busy/web/").statusCode()).as("busy stack answers").isEqualTo(200);
                Stacks.sleep(1000);
            }

            assertThat(waitForState(admin, "/stacks/admin/idle", "STOPPED", Duration.ofSeconds(10))).isEqualTo("STOPPED");
            assertThat(admin.get("/stacks/admin/idle").body()).contains("Stopped by Berth: no traffic for 5 seconds");
            assertThat(waitForState(admin, "/stacks/admin/busy", "READY", Duration.ofSeconds(1))).isEqualTo("READY");
            assertThat(TestDocker.containers(berth.run)).filteredOn(n -> n.contains("--idle--")).isEmpty();

            admin.post("/stacks/admin/idle/start", java.util.Map.of());
            assertThat(waitForState(admin, "/stacks/admin/idle", "READY", Duration.ofSeconds(30)))
                    .as("a culled stack starts again").isEqualTo("READY");
        }
    }

    @Test
    void a_stack_past_its_max_age_is_stopped_whatever_its_traffic() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            berth.template("brief.yaml", template("brief", "max_age: 3s"));
            BerthConfig config = berth.config();
            config.culling.intervalSeconds = 1;
            berth.startOnLoopback(config, echo.port());
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            launch(admin, "brief", "brief");
            assertThat(waitForState(admin, "/stacks/admin/brief", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            assertThat(admin.get("/stacks/admin/brief").body()).contains("it ran for 3 seconds, its template's max_age");

            Stacks.waitUntil(() -> {
                admin.get("/user/admin/brief/web/");
                return waitForState(admin, "/stacks/admin/brief", "STOPPED", Duration.ofMillis(500)).equals("STOPPED");
            }, Duration.ofSeconds(10));
            assertThat(admin.get("/stacks/admin/brief").body()).contains("Stopped by Berth: it ran for 3 seconds");
            assertThat(admin.get("/admin/audit?action=stack.cull").body()).as("the cull is in the audit log")
                    .contains("<td class=\"actor\">berth</td>").contains("<td class=\"target\">admin/brief</td>")
                    .contains("it ran for 3 seconds");
            assertThat(io.berth.testing.RawHttp.get(berth.url(), "/metrics").body())
                    .contains("berth_culls_total{reason=\"max_age\"} 1.0");
        }
    }
}
