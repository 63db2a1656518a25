package io.berth.backend.swarm;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthContainer;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.SwarmNode;
import io.berth.testing.TestDocker;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Swarm backend end to end on the real engine: Berth runs in its own container (it joins each stack's overlay
 * network to reach task addresses, which the host cannot), the admin launches a two-service stack through the
 * portal, and the test checks what Swarm holds with the docker command line. Every object carries
 * {@code berth.test=<run>} and the name prefix {@code <run>}; a swarm found active is reused and never left.
 */
class SwarmStackTest {
    private static final String RUN = "sw" + UUID.randomUUID().toString().substring(0, 6);
    private static final String PAIR = RUN + "-admin--pair";
    private static final String HELLO = "Hello from a Berth stack"; // templates/demo's page, in the demo image
    private static final Duration START = Duration.ofSeconds(60);

    private static SwarmNode swarm;
    private static BerthContainer berth;
    private static PortalClient admin;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        TestDocker.ensureImages("berth");
        swarm = SwarmNode.ensure();
        berth = new BerthContainer(RUN);
        // "web" copies db's answer (fetched by service name over the overlay network) next to the demo page.
        berth.template("pair.yaml", """
                name: pair
                volumes:
                  data: {scope: stack}
                services:
                  web:
                    image: berth/demo:latest
                    depends_on: [db]
                    command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && cp /index.html "/www${stack.prefix}/"; wget -q -O "/www${stack.prefix}/db.html" http://${service.db.host}:7000/; exec httpd -f -p 8080 -h /www']
                    health: {http: "${stack.prefix}/", timeout: 30s}
                    expose:
                      - http: 8080
                        route: path
                  db:
                    image: berth/demo:latest
                    command: [sh, -c, 'echo db-started-marker; echo db-says-hi > /data/index.html && exec httpd -f -p 7000 -h /data']
                    volumes: ["data:/data"]
                    expose:
                      - tcp: 7000
                        name: Demo DB
                        connection: "demo-db://${tcp.host}:${tcp.port}/"
                """);
        berth.template("nope.yaml", """
                name: nope
                services:
                  web:
                    image: berth/nope:1
                    expose: [{http: 8080}]
                """);
        berth.template("boom.yaml", """
                name: boom
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'echo boom-marker; exit 3']
                    expose: [{http: 8080}]
                """);
        berth.startOnSwarm();
        admin = new PortalClient(berth.url()).login("admin", BerthContainer.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        BerthContainer.tearDown(berth, RUN, swarm);
    }

    @Test
    void a_two_service_stack_runs_as_swarm_services_and_survives_stop_start_and_a_killed_task() throws Exception {
        launch(admin, "pair", "pair");
        assertReady("pair");

        // a. the web UI through the proxy, and db reached by its service name over the overlay network
        assertPageAnswers();
        assertThat(admin.get("/user/admin/pair/web/db.html").body())
                .as(() -> "db's page fetched by web; " + swarmState()).contains("db-says-hi");

        // b. what Swarm holds
        assertThat(TestDocker.services(RUN)).as(() -> "services; " + swarmState())
                .containsExactlyInAnyOrder(PAIR + "--web", PAIR + "--db");
        assertThat(TestDocker.networks(RUN)).as("networks").contains(PAIR);
        assertThat(TestDocker.inspect(PAIR, "{{.Driver}}")).isEqualTo("overlay");
        assertThat(networksOf(berth.name())).as("networks of Berth's container").contains(PAIR);
        assertThat(TestDocker.volumes(RUN)).as("volumes").contains(PAIR + "-vol--data");

        // the service's log, as the log page's download and the API serve it, comes from Swarm's service logs
        assertThat(admin.get("/stacks/admin/pair/logs/db/download").body()).as("db's log").contains("db-started-marker");

        // c. db's published port, as the stack page shows it, answers on the host
        String page = admin.get("/stacks/admin/pair").body();
        Matcher m = Pattern.compile("demo-db://127\\.0\\.0\\.1:(\\d+)/").matcher(page);
        assertThat(m.find()).as("connection string on the stack page:\n" + page).isTrue();
        int port = Integer.parseInt(m.group(1));
        // a task's port may be published under different numbers on IPv4 and IPv6: clients here use IPv4
        String ipv4 = TestDocker.inspect(runningTasks(PAIR + "--db").get(0), "{{range (index .NetworkSettings.Ports"
                + " \"7000/tcp\")}}{{if eq .HostIp \"0.0.0.0\"}}{{.HostPort}}{{end}}{{end}}");
        assertThat(String.valueOf(port)).as(() -> "port shown for db is its IPv4 one; " + TestDocker.run(List.of(
                "docker", "port", runningTasks(PAIR + "--db").get(0)))).isEqualTo(ipv4);
        assertThat(rawGet(port)).as(() -> "GET on published port " + port + "; " + swarmState()).contains("db-says-hi");

        // d. Swarm replaces a killed task; Berth follows the new task's address
        List<String> before = runningTasks(PAIR + "--web");
        assertThat(before).as("running container of web's task").hasSize(1);
        TestDocker.run(List.of("docker", "kill", before.get(0)));
        eventually("Swarm starts a new task for web", () -> runningTasks(PAIR + "--web").stream()
                .anyMatch(id -> !id.equals(before.get(0))));
        eventually("the proxied page answers from the new task", SwarmStackTest::pageAnswers);
        assertReady("pair");
        assertThat(admin.get("/stacks/admin/pair").body()).as("a replaced task is no failure of the stack")
                .doesNotContain("Stopped running outside Berth");

        // e. stop keeps the network, start brings the stack back, delete with data leaves nothing
        admin.get("/stacks/admin/pair");
        assertThat(admin.post("/stacks/admin/pair/stop", Map.of()).statusCode()).isEqualTo(302);
        assertThat(waitForState(admin, "/stacks/admin/pair", "STOPPED", START)).as(() -> reason("pair") + berth.logs())
                .isEqualTo("STOPPED");
        assertThat(TestDocker.services(RUN)).as("services of a stopped stack").isEmpty();
        assertThat(TestDocker.networks(RUN)).as("network of a stopped stack").contains(PAIR);

        admin.get("/stacks/admin/pair");
        assertThat(admin.post("/stacks/admin/pair/start", Map.of()).statusCode()).isEqualTo(302);
        assertReady("pair");
        assertPageAnswers();

        admin.get("/stacks/admin/pair");
        admin.post("/stacks/admin/pair/delete", Map.of("delete_data", "true"));
        eventually("the deleted stack's page is gone", () -> admin.get("/stacks/admin/pair").statusCode() == 404);
        assertThat(TestDocker.services(RUN)).as(() -> "services after delete; " + swarmState()).isEmpty();
        assertThat(TestDocker.volumes(RUN)).as("volumes after delete with data").isEmpty();
        assertThat(networksOf(berth.name())).as("networks of Berth's container after delete").doesNotContain(PAIR);
        eventually("the deleted stack's network is gone", () -> !TestDocker.networks(RUN).contains(PAIR));
    }

    @Test
    void one_stack_cannot_reach_another_stacks_services_over_the_swarm() {
        launch(admin, "pair", "iso1");
        launch(admin, "pair", "iso2");
        assertReady("iso1");
        assertReady("iso2");
        String iso1 = RUN + "-admin--iso1";
        String dbAddress = TestDocker.inspect(runningTasks(iso1 + "--db").get(0),
                "{{(index .NetworkSettings.Networks \"" + iso1 + "\").IPAddress}}");
        String fetch = "timeout 5 wget -q -O- http://" + dbAddress + ":7000/ 2>&1; echo exit=$?"; // busybox: -T crashes

        assertThat(TestDocker.run(List.of("docker", "exec", runningTasks(iso1 + "--web").get(0), "sh", "-c", fetch)))
                .as("control: iso1's web reaches its own db at " + dbAddress).contains("db-says-hi");
        assertThat(TestDocker.run(List.of("docker", "exec", runningTasks(RUN + "-admin--iso2--web").get(0), "sh", "-c",
                fetch))).as("iso2's web must not reach iso1's db at " + dbAddress + " (Berth's container joins both"
                + " networks but does not route)").doesNotContain("db-says-hi").doesNotContain("exit=0");
        for (String stack : List.of("iso1", "iso2")) {
            admin.get("/stacks/admin/" + stack);
            admin.post("/stacks/admin/" + stack + "/delete", Map.of("delete_data", "true"));
        }
    }

    @Test
    void a_missing_image_and_a_command_that_exits_at_once_fail_the_launch_with_their_reasons() {
        launch(admin, "nope", "nope");
        launch(admin, "boom", "boom");

        assertThat(waitForState(admin, "/stacks/admin/nope", "FAILED", START)).as(() -> swarmState() + berth.logs())
                .isEqualTo("FAILED");
        assertThat(reason("nope")).as("reason of nope").contains("berth/nope:1");

        assertThat(waitForState(admin, "/stacks/admin/boom", "FAILED", START)).as(() -> swarmState() + berth.logs())
                .isEqualTo("FAILED");
        assertThat(reason("boom")).as("reason of boom: exit code and last log line")
                .containsPattern("\\b3\\b").contains("boom-marker");

        // a failed start takes back what it made (the engine lists a removed overlay network for a moment longer)
        assertThat(TestDocker.services(RUN)).noneMatch(n -> n.contains("--nope--") || n.contains("--boom--"));
        assertThat(networksOf(berth.name())).noneMatch(n -> n.endsWith("--boom"));
        eventually("the failed stacks' networks are gone", () -> TestDocker.networks(RUN).stream()
                .noneMatch(n -> n.endsWith("--nope") || n.endsWith("--boom")));
    }

    private static void assertReady(String stack) {
        String state = waitForState(admin, "/stacks/admin/" + stack, "READY", START);
        assertThat(state).as(() -> "state of " + stack + "; " + reason(stack) + swarmState() + "\nBerth's log:\n"
                + berth.logs()).isEqualTo("READY");
    }

    private static void assertPageAnswers() {
        HttpResponse<String> page = admin.get("/user/admin/pair/web/");
        assertThat(page.statusCode()).as(() -> "proxied page: " + page.body() + "\n" + swarmState() + berth.logs())
                .isEqualTo(200);
        assertThat(page.body()).contains(HELLO);
    }

    private static void eventually(String what, BooleanSupplier condition) {
        Stacks.waitUntil(what, condition, START, () -> swarmState() + "Berth's log:\n" + berth.logs());
    }

    private static boolean pageAnswers() {
        try {
            HttpResponse<String> page = admin.get("/user/admin/pair/web/");
            return page.statusCode() == 200 && page.body().contains(HELLO);
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    /** The FAILED reason the stack page shows (unescaped), or "" when it shows none. */
    private static String reason(String stack) {
        Matcher m = Pattern.compile("id=\"reason\">([^<]*)</pre>").matcher(admin.get("/stacks/admin/" + stack).body());
        return !m.find() ? "" : "reason: " + m.group(1).replace("&#34;", "\"").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") + "\n";
    }

    /** Ids of the running containers of a service's tasks. */
    private static List<String> runningTasks(String service) {
        return TestDocker.run(List.of("docker", "ps", "-q", "--filter",
                "label=com.docker.swarm.service.name=" + service)).lines().filter(id -> !id.isBlank()).toList();
    }

    private static List<String> networksOf(String container) {
        return List.of(TestDocker.inspect(container,
                "{{range $name, $net := .NetworkSettings.Networks}}{{$name}} {{end}}").split("\\s+"));
    }

    /** The run's services with their tasks (state, error), for assertion messages. */
    private static String swarmState() {
        StringBuilder out = new StringBuilder("swarm:\n");
        for (String service : TestDocker.services(RUN)) {
            out.append(TestDocker.run(List.of("docker", "service", "ps", "--no-trunc", "--format",
                    "{{.Name}} {{.CurrentState}} {{.DesiredState}} err={{.Error}}", service)));
        }
        return out.toString();
    }

    /** A bare HTTP request on a published port: what a client outside Berth does. */
    private static String rawGet(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
