package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The periodic reconcile pass on real Docker: containers that die or vanish behind Berth's back fail their stack
 * with a reason, and containers with this instance's labels but no record are removed — only those.
 */
class ReconcileTest {
    private static final Pattern REASON = Pattern.compile("id=\"reason\">([^<]*)<");

    private static BerthInstance berth;
    private static PortalClient admin;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.start(); // docker.reconcile_seconds keeps its default (3 s): that is what the timings below rely on
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void a_killed_service_container_fails_its_stack_within_ten_seconds_with_the_reason() {
        String container = readyDemo("killed");

        TestDocker.run(List.of("docker", "kill", container));
        long killedAt = System.nanoTime();
        String state = waitForState(admin, "/stacks/admin/killed", "FAILED", Duration.ofSeconds(10));
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf("killed container -> FAILED after %.1f s%n", seconds);

        assertThat(state).as("state 10 s after docker kill").isEqualTo("FAILED");
        String reason = reason("/stacks/admin/killed");
        assertThat(reason).as("reason on the stack page").startsWith("Stopped running outside Berth: web (");
        // The engine's own words for the container's state, as ServiceStatus documents and the Reconciler quotes:
        // the exit code (137 = SIGKILL, also what an OOM kill shows) is what tells the user what happened.
        assertThat(reason).as("reason quotes Docker's status of the container").containsPattern("web \\(Exited \\(137\\)");

        assertNotRunningAnswer("/user/admin/killed/web/");
    }

    @Test
    void a_removed_container_is_noticed_too() {
        String container = readyDemo("removed");

        TestDocker.run(List.of("docker", "rm", "-f", container));
        long removedAt = System.nanoTime();
        String state = waitForState(admin, "/stacks/admin/removed", "FAILED", Duration.ofSeconds(10));
        System.out.printf("removed container -> FAILED after %.1f s%n", (System.nanoTime() - removedAt) / 1e9);

        assertThat(state).as("state 10 s after docker rm -f").isEqualTo("FAILED");
        assertThat(reason("/stacks/admin/removed")).contains("Stopped running outside Berth: web (container removed)");
        assertNotRunningAnswer("/user/admin/removed/web/");
    }

    @Test
    void berth_labelled_containers_without_a_record_are_adopted_back_not_removed() {
        String run = berth.run;
        String orphan = run + "-orphan";
        String otherInstance = run + "-other-instance";
        String noInstance = run + "-no-instance";
        TestDocker.run(List.of("docker", "run", "-d", "--name", orphan,
                "--label", "berth.instance=" + run, "--label", "berth.user=admin", "--label", "berth.stack=nobody",
                "--label", "berth.service=web", "--label", TestDocker.TEST_LABEL + "=" + run,
                TestDocker.DEMO_IMAGE, "sleep", "600"));
        // Same user/stack/service labels, but another Berth's instance label, or none: not ours to touch.
        TestDocker.run(List.of("docker", "run", "-d", "--name", otherInstance,
                "--label", "berth.instance=" + run + "x", "--label", "berth.user=admin",
                "--label", "berth.stack=nobody", "--label", "berth.service=web",
                "--label", TestDocker.TEST_LABEL + "=" + run, TestDocker.DEMO_IMAGE, "sleep", "600"));
        TestDocker.run(List.of("docker", "run", "-d", "--name", noInstance,
                "--label", "berth.user=admin", "--label", "berth.stack=nobody", "--label", "berth.service=web",
                "--label", TestDocker.TEST_LABEL + "=" + run, TestDocker.DEMO_IMAGE, "sleep", "600"));
        long createdAt = System.nanoTime();

        // Adopted in the second pass that sees it (a delete between the two reads of one pass is no lost record).
        String[] state = {""};
        Stacks.waitUntil("orphan adopted back", () -> {
            state[0] = waitForState(admin, "/stacks/admin/nobody", "FAILED", Duration.ofMillis(1));
            return state[0].equals("FAILED");
        }, Duration.ofSeconds(10), () -> state[0]);
        System.out.printf("orphan adopted back after %.1f s%n", (System.nanoTime() - createdAt) / 1e9);
        assertThat(reason("/stacks/admin/nobody")).startsWith("Adopted back: its containers (web ");
        assertThat(TestDocker.inspect(orphan, "{{.State.Running}}")).as("the orphan is left running").isEqualTo("true");
        Stacks.sleep(3500); // one more pass: the others must survive passes, not just the race
        assertThat(TestDocker.inspect(otherInstance, "{{.State.Running}}")).as(otherInstance).isEqualTo("true");
        assertThat(TestDocker.inspect(noInstance, "{{.State.Running}}")).as(noInstance).isEqualTo("true");
    }

    /** Launches the demo as {@code name}, waits until READY and serving, and returns its one container's name. */
    private static String readyDemo(String name) {
        launch(admin, "demo", name);
        assertThat(waitForState(admin, "/stacks/admin/" + name, "READY", Duration.ofSeconds(20))).isEqualTo("READY");
        assertThat(admin.get("/user/admin/" + name + "/web/").statusCode()).isEqualTo(200);
        List<String> containers = TestDocker.containers(berth.run, name);
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static String reason(String stackPage) {
        Matcher m = REASON.matcher(admin.get(stackPage).body());
        assertThat(m.find()).as("a reason on " + stackPage).isTrue();
        return m.group(1).replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** The proxy answers at once that the stack is not running: no hang, no 502 from a dead address. */
    private static void assertNotRunningAnswer(String url) {
        long began = System.nanoTime();
        HttpResponse<String> r = admin.get(url, Duration.ofSeconds(5));
        double seconds = (System.nanoTime() - began) / 1e9;
        assertThat(r.statusCode()).as("proxy status for " + url + ": " + r.body()).isEqualTo(503);
        assertThat(r.body()).contains("is failed");
        assertThat(seconds).as("seconds to answer (a hang would wait for the 5 s client timeout)").isLessThan(4.5);
    }
}
