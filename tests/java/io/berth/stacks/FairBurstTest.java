package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A burst of launches on real Docker with two start slots ({@code docker.start_parallelism: 2}): starts are served in
 * launch order, a waiting launch sees its place in line count down, and stops and deletes pass the line.
 */
class FairBurstTest {
    private static final Pattern AHEAD = Pattern.compile("\"ahead\":(\\d+)");
    private BerthInstance berth;
    private PortalClient admin;

    @BeforeEach
    void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        // healthy about a second after it starts, like a small notebook
        berth.template("onesec.yaml", """
                name: onesec
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'sleep 1; mkdir -p "/www${stack.prefix}" && echo ok > "/www${stack.prefix}/index.html" && exec httpd -f -p 8080 -h /www']
                    health: {http: "${stack.prefix}/", timeout: 60s}
                    expose: [{http: 8080}]
                """);
        BerthConfig config = berth.config();
        config.docker.startParallelism = 2;
        berth.start(config);
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
    }

    @AfterEach
    void stop() {
        berth.close();
    }

    @Test
    void six_launches_at_once_become_ready_in_launch_order_and_the_last_sees_its_place_count_down() throws Exception {
        String token = admin.createToken("burst", "read");
        for (int i = 1; i <= 5; i++) {
            launch(admin, "onesec", "b" + i);
        }
        PortalClient watcher = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        launch(admin, "onesec", "b6");
        CompletableFuture<List<String[]>> stream = CompletableFuture.supplyAsync(
                () -> watcher.events("/stacks/admin/b6/progress", Duration.ofSeconds(90)));
        String page = admin.get("/stacks/admin/b6").body();
        assertThat(page).as("the page of a launch that waits").containsPattern("Waiting to start: \\d launch(es)? ahead of yours");
        assertThat(api(token, "/api/v1/stacks/admin/b6")).as("the API's view of a launch that waits")
                .containsPattern("\"queue_ahead\":[1-9]");

        Map<String, Long> readyAt = new LinkedHashMap<>();
        long began = System.nanoTime();
        Stacks.waitUntil("all six READY", () -> {
            for (int i = 1; i <= 6; i++) {
                String name = "b" + i;
                if (!readyAt.containsKey(name) && state(name).equals("READY")) {
                    readyAt.put(name, (System.nanoTime() - began) / 1_000_000);
                }
            }
            return readyAt.size() == 6;
        }, Duration.ofSeconds(90), () -> "ready so far (ms): " + readyAt);
        System.out.println("READY after (ms), in the order seen: " + readyAt);

        assertThat(readyAt.get("b1")).as("the first launched is READY no later than the third").isLessThanOrEqualTo(readyAt.get("b3"));
        assertThat(readyAt.get("b2")).isLessThanOrEqualTo(readyAt.get("b4"));
        assertThat(readyAt.get("b3")).isLessThanOrEqualTo(readyAt.get("b5"));
        assertThat(readyAt.get("b4")).isLessThanOrEqualTo(readyAt.get("b6"));

        List<String[]> events = stream.get();
        List<Integer> places = new ArrayList<>();
        List<String> queueEvents = new ArrayList<>();
        for (String[] e : events) {
            if (e[0].equals("queue")) {
                queueEvents.add(e[1]);
                Matcher m = AHEAD.matcher(e[1]);
                if (m.find()) {
                    places.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        System.out.println("queue events of b6: " + queueEvents);
        assertThat(places).as("b6's places in line").isNotEmpty().isSortedAccordingTo((a, b) -> b - a)
                .doesNotHaveDuplicates();
        assertThat(places.get(0)).as("b6 opened its stream behind b3, b4 and b5").isGreaterThanOrEqualTo(1);
        assertThat(places.get(places.size() - 1)).isZero();
        assertThat(queueEvents.get(queueEvents.size() - 1)).isEqualTo("{\"queued\":false}");
        assertThat(queueEvents).anyMatch(q -> q.contains("\"message\":\"next in line\""));
        // the place is no longer shown once the start runs
        assertThat(admin.get("/stacks/admin/b6").body()).doesNotContain("Waiting to start");
        assertThat(api(token, "/api/v1/stacks/admin/b6")).contains("\"queue_ahead\":null");
    }

    private String api(String token, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(berth.url() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void stops_and_deletes_do_not_wait_behind_a_queue_of_starts() throws Exception {
        launch(admin, "onesec", "kept");
        launch(admin, "onesec", "gone");
        assertThat(waitForState(admin, "/stacks/admin/kept", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(waitForState(admin, "/stacks/admin/gone", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        for (int i = 1; i <= 6; i++) {
            launch(admin, "onesec", "q" + i);
        }
        assertThat(state("q6")).as("the last of the burst waits its turn").isEqualTo("PENDING");

        assertThat(admin.post("/stacks/admin/kept/stop", Map.of()).statusCode()).isEqualTo(302);
        assertThat(admin.post("/stacks/admin/gone/delete", Map.of()).statusCode()).isEqualTo(302);
        // a queued launch stopped before its turn leaves the line at once
        assertThat(admin.post("/stacks/admin/q5/stop", Map.of()).statusCode()).isEqualTo(302);

        Stacks.waitUntil("kept STOPPED, gone deleted and q5 STOPPED", () -> state("kept").equals("STOPPED")
                        && admin.get("/stacks/admin/gone").statusCode() == 404 && state("q5").equals("STOPPED"),
                Duration.ofSeconds(30), () -> "kept " + state("kept") + ", q5 " + state("q5"));
        assertThat(state("q6")).as("they were done while the burst still waited").isEqualTo("PENDING");
        assertThat(TestDocker.containers(berth.run)).doesNotContain(berth.run + "-admin--kept--web",
                berth.run + "-admin--gone--web");

        for (String name : List.of("q1", "q2", "q3", "q4", "q6")) {
            assertThat(waitForState(admin, "/stacks/admin/" + name, "READY", Duration.ofSeconds(60)))
                    .as(name).isEqualTo("READY");
        }
        assertThat(state("q5")).isEqualTo("STOPPED");
    }

    private String state(String name) {
        Matcher m = Pattern.compile("id=\"state\">([A-Z]+)<").matcher(admin.get("/stacks/admin/" + name).body());
        return m.find() ? m.group(1) : "";
    }
}
