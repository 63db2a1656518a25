package io.berth.backend.swarm;

import static io.berth.testing.Stacks.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.testing.BerthContainer;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.SwarmNode;
import io.berth.testing.TestDocker;
import io.berth.testing.TwoNodeSwarm;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Swarm backend on two nodes ({@link TwoNodeSwarm}: the host engine as manager, a dockerd in a network namespace
 * as worker, VXLAN between them): a stack's service is placed on the worker, Berth (in its container on the manager)
 * serves its page over the overlay network, then the worker is drained, Swarm moves the task to the manager and
 * Berth follows it to its new address. The swarm is made by the test, so the test runs only where the host engine is
 * in no swarm.
 */
class SwarmTwoNodeTest {
    private static final String RUN = "tn" + UUID.randomUUID().toString().substring(0, 6);
    private static final String SERVICE = RUN + "-admin--hop--web";
    private static final String NETWORK = RUN + "-admin--hop";
    private static final String LABEL = "berth-test"; // node label the template's placement asks for
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static TwoNodeSwarm swarm;
    private static BerthContainer berth;
    private static PortalClient admin;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TwoNodeSwarm.hostSwarmInactive(), "the host engine is already in a swarm (\""
                + SwarmNode.state() + "\"): this test must make its own, advertised on a veth"
                + " address the worker reaches, and never leaves a swarm it did not make");
        TestDocker.ensureDemoImage();
        TestDocker.ensureImages("berth");
        swarm = TwoNodeSwarm.start();
        swarm.copyImage(TestDocker.DEMO_IMAGE);
        swarm.updateNode(swarm.workerId(), "--label-add", LABEL + "=" + RUN);
        berth = new BerthContainer(RUN);
        // The page names the node that serves it: Swarm expands {{.Node.ID}} in a service's environment.
        berth.template("hop.yaml", """
                name: hop
                services:
                  web:
                    image: berth/demo:latest
                    placement: ["node.labels.%s==%s"]
                    env: {NODE: "{{.Node.ID}}"}
                    command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && cp /index.html "/www${stack.prefix}/" && echo "node=$NODE" > "/www${stack.prefix}/node.html" && exec httpd -f -p 8080 -h /www']
                    health: {http: "${stack.prefix}/", timeout: 30s}
                    expose:
                      - http: 8080
                        route: path
                  db:
                    image: berth/demo:latest
                    placement: ["node.labels.%s==%s"]
                    command: [sh, -c, 'mkdir /d && echo db-on-a-node > /d/index.html && exec httpd -f -p 7000 -h /d']
                    expose:
                      - tcp: 7000
                        connection: "demo-db://${tcp.host}:${tcp.port}/"
                """.formatted(LABEL, RUN, LABEL, RUN));
        berth.startOnSwarm();
        admin = new PortalClient(berth.url()).login("admin", BerthContainer.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        BerthContainer.tearDown(berth, RUN, swarm);
    }

    @Test
    void a_service_on_the_worker_is_served_over_the_overlay_and_followed_when_swarm_moves_it_to_the_manager() {
        launch(admin, "hop", "hop");
        assertThat(Stacks.waitForState(admin, "/stacks/admin/hop", "READY", LIMIT))
                .as(() -> "state of hop; " + swarmState() + "Berth's log:\n" + berth.logs()).isEqualTo("READY");

        // a. Swarm placed the task on the worker; Berth on the manager reaches it over VXLAN
        String[] first = runningTask();
        assertThat(first[0]).as(() -> "node of web's task (worker " + swarm.workerId() + "); " + swarmState())
                .isEqualTo(swarm.workerId());
        assertPage(swarm.workerId());
        // db's port is published on the worker only (no routing mesh): the page names the worker, and it answers there
        assertDbAt(swarm.workerAddress());

        // b. the worker goes into maintenance: Swarm moves the task to the manager (now labelled too)
        swarm.updateNode(swarm.managerId(), "--label-add", LABEL + "=" + RUN);
        long drained = System.nanoTime();
        swarm.updateNode(swarm.workerId(), "--availability", "drain");
        Set<String> states = new LinkedHashSet<>();
        eventually("Swarm runs web's task on the manager", () -> {
            states.add(state());
            return runningTask()[0].equals(swarm.managerId());
        });
        long moved = System.nanoTime();
        String[] second = runningTask();
        eventually("the proxied page answers from the manager's task", () -> {
            states.add(state());
            return page("/node.html").contains("node=" + swarm.managerId());
        });
        long followed = System.nanoTime();
        eventually("the stack is READY after the move", () -> {
            String now = state();
            states.add(now);
            return now.equals("READY");
        });
        System.out.printf("two-node swarm: task %s on the worker at %s moved to the manager at %s in %d ms; Berth's"
                        + " proxy followed %d ms later; states seen during the move: %s%n", first[1], first[2],
                second[2], (moved - drained) / 1_000_000, (followed - moved) / 1_000_000, states);
        assertPage(swarm.managerId());
        assertThat(states).as("a task moved by Swarm is no failure of the stack").noneMatch(s -> s.startsWith("FAILED"));
        eventually("db runs on the manager", () -> TestDocker.run(List.of("docker", "service", "ps", "--filter",
                "desired-state=running", "--format", "{{.CurrentState}} {{.Node}}", RUN + "-admin--hop--db"))
                .startsWith("Running"));
        eventually("the page names the manager (server.public_host) for db's port",
                () -> connection().startsWith("127.0.0.1:"));
        assertDbAt("127.0.0.1");

        // c. delete leaves no service and no network (on the manager; the worker's task was shut down by the drain)
        admin.get("/stacks/admin/hop");
        admin.post("/stacks/admin/hop/delete", Map.of("delete_data", "true"));
        eventually("the deleted stack's page is gone", () -> admin.get("/stacks/admin/hop").statusCode() == 404);
        assertThat(TestDocker.services(RUN)).as(() -> "services after delete; " + swarmState()).isEmpty();
        eventually("the deleted stack's network is gone", () -> !TestDocker.networks(RUN).contains(NETWORK));
        assertThat(swarm.worker("ps", "-aq", "--filter", "label=com.docker.swarm.service.name=" + SERVICE).trim())
                .as("containers of web left on the worker").isEmpty();
    }

    /** The connection string the stack page shows for db, as host:port. */
    private static String connection() {
        Matcher m = Pattern.compile("demo-db://([0-9.]+:\\d+)/").matcher(admin.get("/stacks/admin/hop").body());
        return m.find() ? m.group(1) : "";
    }

    /** db's connection string names {@code host}, and a plain HTTP request there reaches db. */
    private static void assertDbAt(String host) {
        String at = connection();
        assertThat(at).as(() -> "db's connection on the stack page; " + swarmState()).startsWith(host + ":");
        int port = Integer.parseInt(at.substring(at.indexOf(':') + 1));
        try (java.net.Socket socket = new java.net.Socket(host, port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .as("db through its published port at " + at).contains("db-on-a-node");
        } catch (java.io.IOException e) {
            throw new AssertionError("db's published port at " + at + " does not answer: " + e, e);
        }
    }

    /** The page and the node that served it, through Berth's proxy as the logged-in admin. */
    private static void assertPage(String node) {
        HttpResponse<String> index = admin.get("/user/admin/hop/web/");
        assertThat(index.statusCode()).as(() -> "proxied page: " + index.body() + "\n" + swarmState() + berth.logs())
                .isEqualTo(200);
        assertThat(index.body()).contains("Hello from a Berth stack");
        assertThat(page("/node.html")).as(() -> "node named by the proxied page; " + swarmState())
                .contains("node=" + node);
    }

    private static String page(String path) {
        try {
            // briefly: a request still sent to the task's old address waits out the proxy's connect timeout (10 s)
            HttpResponse<String> r = admin.get("/user/admin/hop/web" + path, Duration.ofSeconds(2));
            return r.statusCode() + " " + r.body();
        } catch (IllegalStateException notYet) {
            return notYet.toString();
        }
    }

    /** The stack's state as its page shows it, with the reason when FAILED. */
    private static String state() {
        String page = admin.get("/stacks/admin/hop").body();
        Matcher m = Pattern.compile("id=\"state\">([A-Z]+)<").matcher(page);
        Matcher reason = Pattern.compile("id=\"reason\">([^<]*)</pre>").matcher(page);
        String state = m.find() ? m.group(1) : "";
        return state.equals("FAILED") && reason.find() ? state + " (" + reason.group(1) + ")" : state;
    }

    /** Web's running task as {node id, task id, address on the stack's network}; {"", "", ""} when none runs. */
    private static String[] runningTask() {
        for (String task : TestDocker.run(List.of("docker", "service", "ps", "-q", "--no-trunc", "--filter",
                "desired-state=running", SERVICE)).trim().split("\\s+")) {
            if (task.isEmpty()) {
                continue;
            }
            String[] info = TestDocker.inspect(task, "{{.Status.State}} {{.NodeID}} {{range .NetworksAttachments}}{{if"
                    + " eq .Network.Spec.Name \"" + NETWORK + "\"}}{{index .Addresses 0}}{{end}}{{end}}").split(" ");
            if (info[0].equals("running")) {
                return new String[] {info[1], task, info.length > 2 ? info[2] : ""};
            }
        }
        return new String[] {"", "", ""};
    }

    private static void eventually(String what, BooleanSupplier condition) {
        Stacks.waitUntil(what, condition, LIMIT, () -> swarmState() + "Berth's log:\n" + berth.logs());
    }

    /** The nodes and web's tasks (node, state, error), for assertion messages. */
    private static String swarmState() {
        List<String> out = new ArrayList<>(List.of("swarm (manager " + swarm.managerId() + ", worker "
                + swarm.workerId() + "):", TestDocker.run(List.of("docker", "node", "ls"))));
        for (String service : TestDocker.services(RUN)) {
            out.add(TestDocker.run(List.of("docker", "service", "ps", "--no-trunc", "--format",
                    "{{.Name}} {{.Node}} {{.CurrentState}} {{.DesiredState}} err={{.Error}}", service)));
        }
        return String.join("\n", out);
    }
}
