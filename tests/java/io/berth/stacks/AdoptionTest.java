package io.berth.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.ApiCalls;
import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.Postgres;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stack whose record is lost while its containers run (the row deleted by hand, as a restore of an old backup or a
 * lost commit would) is adopted back by the reconciler, not removed: FAILED with a reason that says so, visible to
 * its owner in the API and on its page and to admins in the audit log, its container and volume untouched; deleting
 * it then works as for any stack.
 */
class AdoptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BerthInstance instance;
    private BerthProcess berth;

    @BeforeEach
    void setUp() throws Exception {
        TestDocker.ensureDemoImage();
        instance = new BerthInstance();
        instance.template("keeper.yaml", """
                name: keeper
                volumes:
                  data: {scope: stack}
                services:
                  keep:
                    image: berth/demo:latest
                    command: [sh, -c, 'echo precious > /data/mark && mkdir -p "/www${stack.prefix}" && cp /index.html "/www${stack.prefix}/" && exec httpd -f -p 8080 -h /www']
                    volumes: [data:/data]
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
    void a_running_stack_whose_record_is_deleted_by_hand_is_adopted_back_with_its_volume() throws Exception {
        String db = Postgres.server().newDatabase();
        berth = new BerthProcess(instance).withStore(db, "postgres").start();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        String token = admin.createToken("adoption", "read launch admin");
        assertThat(call(token, "POST", "/stacks", "{\"template\": \"keeper\", \"name\": \"kept\"}").statusCode())
                .isEqualTo(201);
        Stacks.waitUntil("kept READY", () -> state(token).equals("READY"), Duration.ofSeconds(30), () -> state(token));
        String container = instance.run + "-admin--kept--keep";
        String id = TestDocker.inspect(container, "{{.Id}}");
        List<String> volumes = TestDocker.volumes(instance.run);
        assertThat(volumes).hasSize(1);

        try (Connection c = DriverManager.getConnection(db, "postgres", "")) {
            assertThat(c.createStatement().executeUpdate("DELETE FROM stacks WHERE name = 'kept'")).isEqualTo(1);
        }
        long lost = System.nanoTime();
        Stacks.waitUntil("kept adopted back", () -> state(token).startsWith("FAILED"), Duration.ofSeconds(20),
                () -> state(token) + "\n" + tail());
        System.out.printf("adopted back %.1f s after the row was deleted%n", (System.nanoTime() - lost) / 1e9);

        JsonNode stack = JSON.readTree(call(token, "GET", "/stacks/admin/kept", null).body()).path("stack");
        assertThat(stack.path("reason").asText()).startsWith("Adopted back: ").contains("keep ");
        assertThat(stack.path("template").asText()).isEqualTo("keeper");
        assertThat(admin.get("/stacks/admin/kept").body()).contains("Adopted back").contains("Adopted back by Berth");
        String audit = call(token, "GET", "/admin/audit?action=stack.adopt", null).body();
        assertThat(audit).contains("stack.adopt").contains("admin/kept");
        assertThat(berth.log()).contains("adopted back as FAILED").doesNotContain("removing them");

        // Left as found for good: the same container keeps running, the volume and what it holds stay.
        Stacks.sleep(7000);
        assertThat(state(token)).startsWith("FAILED (Adopted back");
        assertThat(TestDocker.inspect(container, "{{.Id}} {{.State.Running}}")).isEqualTo(id + " true");
        assertThat(TestDocker.volumes(instance.run)).isEqualTo(volumes);
        assertThat(TestDocker.run(List.of("docker", "exec", container, "cat", "/data/mark")).trim()).isEqualTo("precious");

        // The owner (or an admin) decides: deleted with its data, it is gone for good.
        assertThat(call(token, "DELETE", "/stacks/admin/kept?delete_data=true", null).statusCode()).isEqualTo(204);
        Stacks.waitUntil("kept deleted", () -> call(token, "GET", "/stacks/admin/kept", null).statusCode() == 404
                && TestDocker.containers(instance.run).isEmpty(), Duration.ofSeconds(20), this::tail);
        Stacks.sleep(7000);
        assertThat(call(token, "GET", "/stacks/admin/kept", null).statusCode()).as("not adopted again").isEqualTo(404);
    }

    @Test
    void a_record_lost_while_berth_was_down_is_adopted_back_at_start_up_on_the_h2_file() throws Exception {
        berth = new BerthProcess(instance).start();
        String token = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD)
                .createToken("adoption", "read launch");
        assertThat(call(token, "POST", "/stacks", "{\"template\": \"keeper\", \"name\": \"kept\"}").statusCode())
                .isEqualTo(201);
        Stacks.waitUntil("kept READY", () -> state(token).equals("READY"), Duration.ofSeconds(30), () -> state(token));
        String container = instance.run + "-admin--kept--keep";
        String id = TestDocker.inspect(container, "{{.Id}}");

        berth.kill(); // the H2 file is Berth's while it runs; its containers keep running
        try (Connection c = DriverManager.getConnection(instance.config().store.url, "berth", "")) {
            assertThat(c.createStatement().executeUpdate("DELETE FROM stacks WHERE name = 'kept'")).isEqualTo(1);
        }
        berth.start();
        assertThat(state(token)).as("adopted by the first pass, before Berth serves").startsWith("FAILED (Adopted back: ");
        assertThat(TestDocker.inspect(container, "{{.Id}} {{.State.Running}}")).isEqualTo(id + " true");
        assertThat(TestDocker.volumes(instance.run)).hasSize(1);
    }

    private String state(String token) {
        HttpResponse<String> r = call(token, "GET", "/stacks/admin/kept", null);
        if (r.statusCode() != 200) {
            return String.valueOf(r.statusCode());
        }
        try {
            JsonNode s = JSON.readTree(r.body()).path("stack");
            return s.path("state").asText() + (s.path("reason").isTextual() ? " (" + s.path("reason").asText() + ")" : "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String tail() {
        try {
            String log = berth.log();
            return log.substring(Math.max(0, log.length() - 3000));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private HttpResponse<String> call(String token, String method, String path, String body) {
        return ApiCalls.call(berth.url(), token, method, path, body);
    }
}
