package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A launch's progress, streamed as server-sent events, on real Docker. */
class ProgressTest {
    private static BerthInstance berth;
    private static PortalClient admin;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("slow.yaml", """
                name: slow
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'echo starting slowly; sleep 2; mkdir -p "/www${stack.prefix}" && echo ok > "/www${stack.prefix}/index.html" && exec httpd -f -p 8080 -h /www']
                    health: {http: "${stack.prefix}/", timeout: 20s}
                    expose: [{http: 8080}]
                """);
        berth.start();
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    @Test
    void progress_events_arrive_in_order_with_a_growing_percentage_and_end_when_ready() {
        launch(admin, "slow", "slow");
        List<String[]> events = admin.events("/stacks/admin/slow/progress", Duration.ofSeconds(30));

        List<String> messages = events.stream().filter(e -> e[0].equals("progress")).map(e -> e[1]).toList();
        assertThat(String.join("\n", messages)).containsSubsequence(
                "\"Launched from template slow", "\"Starting\"", "Checking image berth/demo:latest",
                "Creating network", "Starting container", "Waiting for web", "Ready in");
        List<Integer> percents = messages.stream()
                .map(m -> Integer.parseInt(m.replaceAll(".*\"percent\":(\\d+).*", "$1"))).toList();
        assertThat(percents).isSorted();
        assertThat(percents.get(percents.size() - 1)).isEqualTo(100);
        assertThat(percents).anyMatch(p -> p > 0 && p < 100);
        assertThat(events.get(events.size() - 1)).containsExactly("done", "{\"state\":\"READY\"}");
    }

    @Test
    void a_settled_stack_answers_with_its_history_and_done_at_once_and_others_get_nothing() throws Exception {
        launch(admin, "slow", "settled");
        admin.events("/stacks/admin/settled/progress", Duration.ofSeconds(30));

        long began = System.nanoTime();
        List<String[]> again = admin.events("/stacks/admin/settled/progress", Duration.ofSeconds(10));
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        assertThat(again.get(again.size() - 1)[0]).isEqualTo("done");

        admin.get("/admin/users");
        admin.post("/admin/users", java.util.Map.of("username", "eve", "password", "eve-password"));
        PortalClient eve = new PortalClient(berth.url()).login("eve", "eve-password");
        assertThat(eve.events("/stacks/admin/settled/progress", Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void a_stream_opened_after_a_failed_launch_replays_every_event_with_the_reason_then_done() throws Exception {
        launch(admin, "ghost", "ghost");
        assertThat(io.berth.testing.Stacks.waitForState(admin, "/stacks/admin/ghost", "FAILED", Duration.ofSeconds(20))).isEqualTo("FAILED");

        List<String[]> events = admin.events("/stacks/admin/ghost/progress", Duration.ofSeconds(10));
        List<String> messages = events.stream().filter(e -> e[0].equals("progress")).map(e -> e[1]).toList();
        assertThat(String.join("\n", messages)).containsSubsequence("\"Launched from template ghost", "\"Starting\"",
                "\"Failed: ", "berth/no-such-image:1.0");
        assertThat(events.get(events.size() - 1)).containsExactly("done", "{\"state\":\"FAILED\"}");
        assertThat(events.stream().filter(e -> e[0].equals("done")).count()).isEqualTo(1);

        // From Last-Event-ID on: only what came after that event, then done.
        java.net.http.HttpResponse<String> after = admin.http().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(berth.url() + "/stacks/admin/ghost/progress"))
                .header("Accept", "text/event-stream").header("Last-Event-ID", firstId(admin))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(after.body()).doesNotContain("Launched from template ghost").contains("Failed: ")
                .contains("event: done");
        assertThat(after.body().split("event: progress", -1)).hasSize(messages.size()); // all but the first
    }

    /** The id of the ghost stack's first event, read from a replay with ids. */
    private static String firstId(PortalClient client) throws Exception {
        String body = client.http().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(berth.url() + "/stacks/admin/ghost/progress"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^id: ?(\\d+)").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }
}
