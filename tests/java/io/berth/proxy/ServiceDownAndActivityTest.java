package io.berth.proxy;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.store.Database;
import io.berth.store.StackStore;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What the proxy says when a service does not answer, and what it remembers about traffic: the last activity of
 * each route reaches the store (for idle culling), and only for routes that had traffic.
 */
class ServiceDownAndActivityTest {

    @Test
    void a_service_that_does_not_answer_gets_a_clear_502_for_browsers_and_api_clients() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // free, and nothing listens on it once closed
        }
        try (BerthInstance berth = new BerthInstance()) {
            berth.startOnLoopback(berth.config(), deadPort);
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            launch(admin, "demo", "gone");
            waitForState(admin, "/stacks/admin/gone", "READY", Duration.ofSeconds(30));

            RawHttp.Answer api = RawHttp.get(berth.url(), "/user/admin/gone/web/api", "Cookie: " + admin.cookieHeader());
            assertThat(api.status()).isEqualTo(502);
            assertThat(api.header("Content-Type")).startsWith("application/json");
            assertThat(api.body()).contains("\"error\":\"service_unreachable\"");

            RawHttp.Answer page = RawHttp.get(berth.url(), "/user/admin/gone/web/", "Cookie: " + admin.cookieHeader(),
                    "Accept: text/html");
            assertThat(page.status()).isEqualTo(502);
            assertThat(page.body()).contains("The service is not answering", "check its logs");
        }
    }

    @Test
    void traffic_through_the_proxy_is_recorded_per_route_in_the_store() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            berth.startOnLoopback(config, echo.port());
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            launch(admin, "demo", "busy");
            launch(admin, "demo", "idle");
            waitForState(admin, "/stacks/admin/busy", "READY", Duration.ofSeconds(30));
            waitForState(admin, "/stacks/admin/idle", "READY", Duration.ofSeconds(30));
            Instant before = Instant.now().minusSeconds(1);
            assertThat(admin.get("/user/admin/busy/web/").statusCode()).isEqualTo(200);
            berth.stop(); // writes what is still in memory

            try (Database db = new Database(config.store)) {
                StackStore store = new StackStore(db.jdbi());
                long busy = store.find("admin", "busy").orElseThrow().id();
                long idle = store.find("admin", "idle").orElseThrow().id();
                assertThat(store.lastActivity(busy)).hasValueSatisfying(t -> assertThat(t).isAfter(before));
                assertThat(store.lastActivity(idle)).isEmpty();
            }
        }
    }
}
