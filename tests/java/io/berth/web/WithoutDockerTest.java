package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Berth started where no Docker engine answers still serves, and says plainly which socket it tried. */
class WithoutDockerTest {
    private static final String SOCKET = "unix:///tmp/berth-no-engine-here.sock";
    private static BerthInstance berth;
    private static PortalClient admin;

    @BeforeAll
    static void start() throws Exception {
        berth = new BerthInstance();
        BerthConfig config = berth.config();
        config.docker.host = SOCKET;
        berth.start(config);
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    @Test
    void the_catalog_names_the_socket_and_offers_no_launch() {
        HttpResponse<String> catalog = admin.get("/catalog");
        assertThat(catalog.statusCode()).isEqualTo(200);
        assertThat(catalog.body()).contains("No Docker engine answers at " + SOCKET);
        assertThat(catalog.body()).contains("id=\"template-demo\"");
        assertThat(catalog.body()).doesNotContainPattern("class=\"launch\"(?![^>]*disabled)");
        assertThat(admin.get("/dashboard").body()).contains("No Docker engine answers at " + SOCKET);
    }

    @Test
    void a_launch_anyway_is_refused_with_the_reason_and_creates_nothing() {
        admin.get("/catalog");
        HttpResponse<String> r = admin.post("/stacks", Map.of("template", "demo", "name", "demo"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("No Docker engine answers at " + SOCKET);
        assertThat(admin.get("/stacks/admin/demo").statusCode()).isEqualTo(404);
    }
}
