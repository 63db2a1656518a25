package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Berth killed with SIGKILL in the middle of a start: the job is gone with the JVM, the store still says STARTING, and
 * the containers made so far still run. The next Berth must finish that start on the same objects. The same in the
 * middle of a graceful stop: the store says STOPPING and the next Berth finishes the stop.
 * (Killed while READY is covered by {@code io.berth.web.RestartTest}.)
 */
class CrashRecoveryTest {
    private BerthInstance instance;
    private BerthProcess berth;

    @BeforeEach
    void setUp() throws Exception {
        TestDocker.ensureDemoImage();
        instance = new BerthInstance();
        // "api" answers only after 3 s, and "web" is started only once "api" is healthy: a wide window in which the
        // stack is STARTING with one container running and the other not yet made.
        instance.template("slowpair.yaml", """
                name: slowpair
                services:
                  web:
                    image: berth/demo:latest
                    depends_on: [api]
                    command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && echo crash-survivor > "/www${stack.prefix}/index.html" && exec httpd -f -p 8080 -h /www']
                    health: {http: "${stack.prefix}/", timeout: 30s}
                    expose: [{http: 8080}]
                  api:
                    image: berth/demo:latest
                    command: [sh, -c, 'sleep 3; mkdir -p /www && echo pong > /www/ping && exec httpd -f -p 8081 -h /www']
                    health: {http: /ping, port: 8081, timeout: 30s}
                """);
        // ignores SIGTERM, so each stop waits out its grace of 6 s before the engine kills it
        instance.template("stubborn.yaml", """
                name: stubborn
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, "trap '' TERM; mkdir -p /www && httpd -p 8080 -h /www; while true; do sleep 1; done"]
                    stop_grace: 6s
                    health: {tcp: 8080, timeout: 30s}
                    expose: [{http: 8080}]
                """);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (berth != null) {
            berth.kill();
        }
        instance.close();
    }

    @Test
    void killed_while_a_service_takes_its_grace_to_stop_the_stack_ends_stopped_after_restart_and_starts_again()
            throws Exception {
        berth = new BerthProcess(instance).start();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        String web = instance.run + "-admin--slow--web";
        launch(admin, "stubborn", "slow");
        assertThat(waitForState(admin, "/stacks/admin/slow", "READY", Duration.ofSeconds(30))).isEqualTo("READY");

        assertThat(admin.post("/stacks/admin/slow/stop", Map.of()).statusCode()).isEqualTo(302);
        // the middle of the graceful stop: the page says what it waits for while the container still runs
        Stacks.waitUntil("the stack page names the service it waits for",
                () -> admin.get("/stacks/admin/slow").body().contains("waiting for web to shut down"),
                Duration.ofSeconds(10), () -> admin.get("/stacks/admin/slow").body());
        assertThat(waitForState(admin, "/stacks/admin/slow", "STOPPING", Duration.ofSeconds(1))).isEqualTo("STOPPING");
        assertThat(TestDocker.inspect(web, "{{.State.Running}}")).isEqualTo("true");

        berth.kill();
        long restartedAt = System.nanoTime();
        berth.start();
        String state = waitForState(admin, "/stacks/admin/slow", "STOPPED", Duration.ofSeconds(30));
        System.out.printf("killed Berth while STOPPING; restart -> STOPPED after %.1f s%n",
                (System.nanoTime() - restartedAt) / 1e9);
        assertThat(state).as("state after the restart; log:\n" + berth.log()).isEqualTo("STOPPED");
        assertThat(TestDocker.containers(instance.run)).isEmpty();

        assertThat(admin.post("/stacks/admin/slow/start", Map.of()).statusCode()).isEqualTo(302);
        assertThat(waitForState(admin, "/stacks/admin/slow", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
    }

    @Test
    void killed_while_starting_the_stack_ends_ready_after_restart_with_no_orphans() throws Exception {
        berth = new BerthProcess(instance).start();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        String run = instance.run;
        String api = run + "-admin--crash--api";
        String web = run + "-admin--crash--web";

        launch(admin, "slowpair", "crash");
        // Wait for the middle of the start: STARTING, and the api container made and running.
        String[] seen = {""};
        Stacks.waitUntil(() -> {
            seen[0] = waitForState(admin, "/stacks/admin/crash", "STARTING", Duration.ofSeconds(1));
            return seen[0].equals("STARTING") && TestDocker.exists(api)
                    && TestDocker.inspect(api, "{{.State.Running}}").equals("true");
        }, Duration.ofSeconds(15));
        String apiId = TestDocker.inspect(api, "{{.Id}}");
        boolean webExisted = TestDocker.exists(web);

        berth.kill();
        assertThat(TestDocker.containers(run)).as("containers made before the kill outlive Berth").contains(api);
        System.out.printf("killed Berth while STARTING; containers then: %s (web existed: %s)%n",
                TestDocker.containers(run), webExisted);

        long restartedAt = System.nanoTime();
        berth.start();
        String state = waitForState(admin, "/stacks/admin/crash", "READY", Duration.ofSeconds(30));
        System.out.printf("restart -> READY after %.1f s%n", (System.nanoTime() - restartedAt) / 1e9);
        assertThat(state).as("state after the restart; log:\n" + berth.log()).isEqualTo("READY");

        var page = admin.get("/user/admin/crash/web/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("crash-survivor");

        // Exactly one container per service, the running api re-attached rather than replaced; one network.
        assertThat(TestDocker.containers(run)).containsExactlyInAnyOrder(api, web);
        assertThat(TestDocker.inspect(api, "{{.Id}}")).as("api re-attached, not recreated").isEqualTo(apiId);
        assertThat(TestDocker.inspect(api, "{{.State.Running}}")).isEqualTo("true");
        assertThat(TestDocker.inspect(web, "{{.State.Running}}")).isEqualTo("true");
        assertThat(TestDocker.networks(run)).containsExactly(run + "-admin--crash");
        // …and no more after a few reconcile passes (nothing else starts a second copy later).
        Stacks.sleep(7000);
        assertThat(TestDocker.containers(run)).containsExactlyInAnyOrder(api, web);
        assertThat(waitForState(admin, "/stacks/admin/crash", "READY", Duration.ofSeconds(1))).isEqualTo("READY");
    }

    @Test
    void killed_with_launches_waiting_in_line_they_start_after_restart_in_launch_order() throws Exception {
        // one start at a time: while "first" starts (3 s), "second" and "third" wait in line, PENDING with nothing made
        berth = new BerthProcess(instance).withEnv("BERTH_DOCKER_START_PARALLELISM", "1").start();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        String run = instance.run;
        launch(admin, "slowpair", "first");
        launch(admin, "slowpair", "second");
        launch(admin, "slowpair", "third");
        assertThat(admin.get("/stacks/admin/third").body()).contains("Waiting to start: 1 launch ahead of yours");
        assertThat(waitForState(admin, "/stacks/admin/third", "PENDING", Duration.ofSeconds(1))).isEqualTo("PENDING");
        assertThat(TestDocker.containers(run)).noneMatch(c -> c.contains("--second--") || c.contains("--third--"));

        berth.kill();
        berth.start();
        for (String name : java.util.List.of("first", "second", "third")) {
            assertThat(waitForState(admin, "/stacks/admin/" + name, "READY", Duration.ofSeconds(60)))
                    .as(name + " after the restart; log:\n" + berth.log()).isEqualTo("READY");
        }
        // re-queued by creation time: "second" got its slot (and its api container) before "third"
        String second = TestDocker.inspect(run + "-admin--second--api", "{{.Created}}");
        String third = TestDocker.inspect(run + "-admin--third--api", "{{.Created}}");
        assertThat(java.time.Instant.parse(second)).isBefore(java.time.Instant.parse(third));
    }
}
