package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.PrivateDockerd;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A restart of the Docker daemon (an upgrade, a crash, a reboot of the service) while a stack runs: Docker stops the
 * containers and, for those with a restart policy, starts them again; Berth must not mistake that for a crash.
 *
 * <p>The daemon restarted is a private one this test starts ({@link PrivateDockerd}): same dockerd binary, started the
 * way deploy/prepare-host.sh starts it (detached, log to a file), but with its own socket, data and exec folders and
 * bridge, so restarting it does not stop the containers of other tests or sessions on the host's engine, and the
 * host's engine is never touched.
 */
class DaemonRestartTest {
    private static final Pattern STATE = Pattern.compile("id=\"state\">([A-Z]+)<");
    private static final Pattern REASON = Pattern.compile("id=\"reason\">([^<]*)<");

    private static PrivateDockerd dockerd;
    private static BerthInstance berth;

    @BeforeAll
    static void start() throws Exception {
        dockerd = PrivateDockerd.start();
        dockerd.buildDemoImage();
        berth = new BerthInstance();
        // Ignores SIGTERM (as does every process it starts), so Docker stops it only after its 10 s stop timeout.
        berth.template("stubborn.yaml", """
                name: stubborn
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'trap "" TERM; mkdir -p "/www${stack.prefix}" && echo stubborn > "/www${stack.prefix}/index.html" && httpd -p 8080 -h /www && while true; do sleep 1; done']
                    health: {http: "${stack.prefix}/", timeout: 20s}
                    expose: [{http: 8080}]
                """);
        BerthConfig config = berth.config();
        config.docker.host = dockerd.host();
        berth.start(config);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (berth != null) {
                berth.close();
            }
        } finally {
            if (dockerd != null) {
                dockerd.close();
            }
        }
    }

    @Test
    void after_a_docker_daemon_restart_stacks_are_ready_again() throws Exception {
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        String container = readyStack(admin, "demo", "steady");
        String idBefore = dockerd.docker("inspect", "-f", "{{.Id}}", container).trim();

        List<String> states = restartDaemonWatching(admin, "steady", false);

        assertReadyAndServing(admin, "steady", states, "Hello from a Berth stack");
        assertThat(dockerd.containers("steady")).as("one container for the stack").containsExactly(container);
        System.out.println("container after the restart is " + (idBefore.equals(
                dockerd.docker("inspect", "-f", "{{.Id}}", container).trim()) ? "the same one" : "a new one"));
    }

    /**
     * Docker stops all containers when its daemon stops, each within its stop timeout (10 s for one that ignores
     * SIGTERM, as many real services do while they flush), and its API keeps answering on connections already open
     * meanwhile. So for up to 10 s Berth sees the quick stack's container exited: more than the two reconcile passes
     * (3 s apart) it waits before calling a stack FAILED. Berth says so, keeps the containers for Docker's restart
     * policy, and makes the stack READY again once they run: both stacks must be READY again after the restart.
     */
    @Test
    void a_stack_stopped_by_a_slow_daemon_shutdown_is_ready_again_by_itself() throws Exception {
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        try {
            readyStack(admin, "stubborn", "stubborn");
            readyStack(admin, "demo", "quick");

            List<String> states = restartDaemonWatching(admin, "quick", true);

            assertReadyAndServing(admin, "quick", states, "Hello from a Berth stack", true);
            assertThat(waitForState(admin, "/stacks/admin/stubborn", "READY", Duration.ofSeconds(1))).isEqualTo("READY");
            assertThat(admin.get("/user/admin/stubborn/web/").body()).contains("stubborn");
        } finally {
            // The slow stopper must not slow down the other test's restart: delete it through the portal, killed
            // first (a delete stops it gracefully, which for this one means waiting out its 10 s grace).
            dockerd.containers("stubborn").forEach(c -> dockerd.docker("kill", c));
            admin.get("/stacks/admin/stubborn");
            admin.post("/stacks/admin/stubborn/delete", java.util.Map.of());
            Stacks.waitUntil(() -> dockerd.containers("stubborn").isEmpty(), Duration.ofSeconds(20));
        }
    }

    /** Launches a stack, waits until READY and serving, checks its restart policy, returns its container's name. */
    private static String readyStack(PortalClient admin, String template, String name) {
        launch(admin, template, name);
        assertThat(waitForState(admin, "/stacks/admin/" + name, "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(admin.get("/user/admin/" + name + "/web/").statusCode()).isEqualTo(200);
        String container = berth.run + "-admin--" + name + "--web";
        assertThat(dockerd.docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", container).trim())
                .as("restart policy once healthy").isEqualTo("unless-stopped");
        return container;
    }

    /**
     * Stops the daemon (SIGTERM, waits for its exit), starts it again, and waits until the stack's URL serves again
     * (at most 30 s) and three more reconcile passes; returns the states the stack page showed meanwhile.
     * {@code mayRecover}: a FAILED on the way is not final (the stack comes back by itself), so keep waiting for it.
     */
    private static List<String> restartDaemonWatching(PortalClient admin, String stack, boolean mayRecover)
            throws Exception {
        // Watch the stack's state all along, so a FAILED in between cannot hide behind a later READY.
        List<String> states = Collections.synchronizedList(new ArrayList<>());
        var watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        PortalClient watcher = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        Thread watch = new Thread(() -> {
            while (watching.get()) {
                Matcher m = STATE.matcher(watcher.get("/stacks/admin/" + stack).body());
                String s = m.find() ? m.group(1) : "?";
                if (states.isEmpty() || !states.get(states.size() - 1).equals(s)) {
                    states.add(s);
                }
                Stacks.sleep(200);
            }
        }, "state-watch");
        watch.start();
        try {
            long began = System.nanoTime();
            dockerd.stopDaemon();
            double down = (System.nanoTime() - began) / 1e9;
            // Berth's own pages keep answering while the engine is away.
            assertThat(admin.get("/dashboard", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
            Stacks.sleep(1000);
            dockerd.startDaemon();
            double up = (System.nanoTime() - began) / 1e9;
            System.out.printf("[%s] dockerd stopped in %.1f s, answering again %.1f s after the stop began%n",
                    stack, down, up);

            long answering = System.nanoTime();
            long deadline = answering + TimeUnit.SECONDS.toNanos(30);
            int status = 0;
            while (System.nanoTime() < deadline) {
                status = admin.get("/user/admin/" + stack + "/web/", Duration.ofSeconds(5)).statusCode();
                if (status == 200 || (!mayRecover && states.contains("FAILED"))) {
                    break; // otherwise FAILED is final: a stack stays failed until someone starts it again
                }
                Stacks.sleep(250);
            }
            System.out.printf("[%s] stack served again (%d) %.1f s after the engine answered%n", stack, status,
                    (System.nanoTime() - answering) / 1e9);
            if (status == 200) {
                Stacks.sleep(9000); // three more reconcile passes: READY must hold, not just flicker
            }
        } finally {
            watching.set(false);
            watch.join(5000);
        }
        System.out.println("[" + stack + "] states seen around the restart: " + states);
        return states;
    }

    private static void assertReadyAndServing(PortalClient admin, String stack, List<String> states, String text) {
        assertReadyAndServing(admin, stack, states, text, false);
    }

    /**
     * {@code mayRecover}: the stack may show FAILED while Docker had its containers stopped, but must then be
     * READY again by itself, saying so in its history.
     */
    private static void assertReadyAndServing(PortalClient admin, String stack, List<String> states, String text,
                                              boolean mayRecover) {
        String page = admin.get("/stacks/admin/" + stack).body();
        Matcher reason = REASON.matcher(page);
        if (mayRecover && states.contains("FAILED")) {
            assertThat(states.get(states.size() - 1)).isEqualTo("READY");
            assertThat(page).contains("Running again");
        } else {
            assertThat(states).as("states of " + stack + " seen around the restart; reason: "
                    + (reason.find() ? reason.group(1) : "(none)")).doesNotContain("FAILED");
        }
        assertThat(waitForState(admin, "/stacks/admin/" + stack, "READY", Duration.ofSeconds(1))).isEqualTo("READY");
        var served = admin.get("/user/admin/" + stack + "/web/");
        assertThat(served.statusCode()).as("proxy status of " + stack).isEqualTo(200);
        assertThat(served.body()).contains(text);
    }
}
