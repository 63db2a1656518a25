package io.berth.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service whose process exits 5 s after starting, on a real engine: Docker's restart policy brings it back again
 * and again. The stack page shows the restarts (count, exit code, last log line) within two reconcile passes of
 * the first; after {@code docker.crash_loop_restarts} the stack is FAILED with that reason, said once in the log,
 * counted in /metrics and written to the audit log; in between the proxy answers "being restarted", never 502.
 */
class CrashLoopTest {
    private static final Pattern RESTARTS = Pattern.compile("restarting \\((\\d+) times? in \\d+ s\\), last exit (\\S+): ([^<]*)<");
    private BerthInstance instance;
    private BerthProcess berth;

    @BeforeEach
    void setUp() throws Exception {
        TestDocker.ensureDemoImage();
        instance = new BerthInstance();
        instance.template("flaky.yaml", """
                name: flaky
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && echo up > "/www${stack.prefix}/index.html" && httpd -p 8080 -h /www && sleep 5 && echo "fatal: out of cheese" && exit 7']
                    health: {http: "${stack.prefix}/", timeout: 20s}
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
    void a_service_that_keeps_exiting_shows_its_restarts_and_then_fails_its_stack() throws Exception {
        berth = new BerthProcess(instance).withEnv("BERTH_DOCKER_CRASH_LOOP_RESTARTS", "3")
                .withEnv("BERTH_DOCKER_CRASH_LOOP_WINDOW_SECONDS", "120").start();
        int passSeconds = BerthConfig.Docker.DEFAULT_RECONCILE_SECONDS;
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        Stacks.launch(admin, "flaky", "flaky");
        assertThat(Stacks.waitForState(admin, "/stacks/admin/flaky", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String container = instance.run + "-admin--flaky--web";

        // Until Berth has seen a first restart it cannot tell a crash loop from a service that died: 502 is right then
        Map<Integer, Integer> beforeSeen = new TreeMap<>();
        Map<Integer, Integer> proxied = new TreeMap<>();
        Stacks.waitUntil("Docker restarted the service", () -> {
            beforeSeen.merge(admin.get("/user/admin/flaky/web/").statusCode(), 1, Integer::sum);
            return Integer.parseInt(TestDocker.inspect(container, "{{.RestartCount}}")) >= 1;
        }, Duration.ofSeconds(20), () -> "");
        long restarted = System.nanoTime();
        String[] shown = {""};
        Stacks.waitUntil("the page shows the restart within 2 reconcile passes", () -> {
            beforeSeen.merge(admin.get("/user/admin/flaky/web/").statusCode(), 1, Integer::sum);
            shown[0] = admin.get("/stacks/admin/flaky").body();
            return RESTARTS.matcher(shown[0]).find();
        }, Duration.ofSeconds(2L * passSeconds + 2), () -> shown[0]);
        Matcher m = RESTARTS.matcher(shown[0]);
        assertThat(m.find()).isTrue();
        System.out.printf("page shows \"%s\" %.1f s after Docker's first restart%n", m.group(0),
                (System.nanoTime() - restarted) / 1e9);
        assertThat(m.group(3)).isEqualTo("fatal: out of cheese");

        Stacks.waitUntil("FAILED after 3 restarts", () -> {
            proxied.merge(admin.get("/user/admin/flaky/web/").statusCode(), 1, Integer::sum);
            return Stacks.waitForState(admin, "/stacks/admin/flaky", "FAILED", Duration.ofMillis(1)).equals("FAILED");
        }, Duration.ofSeconds(60), () -> "");
        String page = admin.get("/stacks/admin/flaky").body();
        assertThat(page).contains("Crash loop: service \"web\" restarting (3 times in")
                .contains("last exit 7: fatal: out of cheese");
        assertThat(page).as("a failed stack lists no restarts any more").doesNotContain("id=\"restarting\"");
        System.out.println("proxy answers before Berth saw a restart: " + beforeSeen + "; after: " + proxied);
        assertThat(proxied).as("once Berth knew of the restarts the proxy answered 200 or 'being restarted', never a"
                + " bare 502").doesNotContainKey(502);

        List<String> failedLines = new ArrayList<>();
        String metrics = admin.get("/metrics").body();
        assertThat(metrics).containsPattern("berth_crash_loops_total(\\{[^}]*\\})? 1\\.0");
        String audit = admin.get("/admin/audit?action=stack.crash_loop").body();
        assertThat(audit).contains("stack.crash_loop").contains("admin/flaky");
        for (String line : berth.log().split("\n")) {
            if (line.contains("FAILED: Crash loop")) {
                failedLines.add(line);
            }
        }
        assertThat(failedLines).as("said once in the log").hasSize(1);
    }
}
