package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Templates with several services, secrets and published ports, launched through the portal on real Docker. */
class MultiServiceStackTest {
    private static BerthInstance berth;
    private static PortalClient alice;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        // "web" fetches its page from "api" by service name while starting: it can only succeed if "api" is
        // already healthy (api waits a second before it serves /ping), i.e. if depends_on ordered the start.
        berth.template("pair.yaml", """
                name: pair
                services:
                  web:
                    image: berth/demo:latest
                    depends_on: [api]
                    command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && wget -q -O "/www${stack.prefix}/index.html" http://${service.api.host}:8081/ping && exec httpd -f -p 8080 -h /www']
                    expose: [{http: 8080}]
                  api:
                    image: berth/demo:latest
                    command: [sh, -c, 'sleep 1; mkdir -p /www && echo pong-from-api > /www/ping && exec httpd -f -p 8081 -h /www']
                    health: {http: /ping, port: 8081, timeout: 20s}
                """);
        // A TCP service for clients outside Berth: it answers with the stack's generated secret.
        berth.template("vault.yaml", """
                name: vault
                secrets: [password]
                services:
                  db:
                    image: berth/demo:latest
                    command: [sh, -c, 'while true; do echo "hello ${secret.password}" | nc -l -p 7000; done']
                    expose:
                      - tcp: 7000
                        name: Vault
                        connection: "vault://u:${secret.password}@${tcp.host}:${tcp.port}/"
                """);
        berth.start();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", java.util.Map.of("username", "alice", "password", "alice-password"));
        alice = new PortalClient(berth.url()).login("alice", "alice-password");
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    @Test
    void a_service_reaches_the_one_it_depends_on_by_name_after_it_is_healthy() {
        launch(alice, "pair", "pair");
        assertThat(waitForState(alice, "/stacks/alice/pair", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        var page = alice.get("/user/alice/pair/web/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("pong-from-api");
        String history = alice.get("/stacks/alice/pair").body();
        assertThat(history.indexOf("Waiting for api")).isPositive().isLessThan(history.indexOf("container " + berth.run + "-alice--pair--web"));
    }

    @Test
    void a_published_port_answers_on_the_host_with_the_connection_string_shown_to_its_owner() throws Exception {
        launch(alice, "vault", "vault");
        assertThat(waitForState(alice, "/stacks/alice/vault", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String page = alice.get("/stacks/alice/vault").body();
        Matcher m = Pattern.compile("vault://u:([A-Za-z0-9]{24})@127\\.0\\.0\\.1:(\\d+)/").matcher(page);
        assertThat(m.find()).as("connection string on the stack page").isTrue();
        String password = m.group(1);
        int port = Integer.parseInt(m.group(2));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).isEqualTo("hello " + password);
        }
        // The reconciler (every 3 s) rewrites targets of HTTP services; the published port of this TCP-only
        // service must survive its passes.
        io.berth.testing.Stacks.sleep(7000);
        assertThat(alice.get("/stacks/alice/vault").body()).contains(m.group(0));

        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", java.util.Map.of("username", "mallory", "password", "mallory-password"));
        PortalClient mallory = new PortalClient(berth.url()).login("mallory", "mallory-password");
        assertThat(mallory.get("/stacks/alice/vault").body()).doesNotContain(password);
    }

    @Test
    void an_unknown_parameter_or_a_bad_value_is_refused_naming_the_field() {
        alice.get("/catalog");
        var r = alice.post("/stacks", java.util.Map.of("template", "pair", "name", "Bad Name"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("A stack name is 1-30 characters");
    }
}
