package io.berth.web;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /metrics}: what a launch and proxied traffic leave there, and who may read it. */
class MetricsTest {

    @Test
    void after_a_launch_and_some_traffic_the_metrics_show_them() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            berth.startOnLoopback(berth.config(), echo.port());
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            launch(admin, "demo", "lab");
            waitForState(admin, "/stacks/admin/lab", "READY", Duration.ofSeconds(30));
            admin.get("/user/admin/lab/web/download?bytes=5000");
            String body = "x".repeat(3000);
            RawHttp.send(berth.url(), ("POST /user/admin/lab/web/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: "
                    + admin.cookieHeader() + "\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));

            System.gc(); // Micrometer holds gauges' sources weakly: one that nobody else holds would read NaN now
            RawHttp.Answer m = RawHttp.get(berth.url(), "/metrics"); // from 127.0.0.1: allowed by default
            assertThat(m.status()).isEqualTo(200);
            assertThat(RawHttp.get(berth.url(), "/metrics", "X-Forwarded-For: 203.0.113.9").status())
                    .as("through a reverse proxy on this host").isEqualTo(401);
            assertThat(m.body()).contains("berth_stacks{state=\"READY\"} 1.0", "berth_stacks{state=\"FAILED\"} 0.0",
                    "berth_launch_duration_seconds_count 1", "berth_launch_duration_seconds_bucket{le=",
                    "berth_proxy_requests_seconds_count{mode=\"path\",status=\"2xx\"} 2",
                    "berth_proxy_websockets_open 0", "jvm_memory_used_bytes", "jetty_threads_busy",
                    "berth_quota_used{resource=\"containers\"} 1.0", "berth_quota_used{resource=\"cpu_cores\"} 0.25");
            assertThat(counter(m.body(), "berth_proxy_bytes_total{direction=\"to_service\",mode=\"path\"}"))
                    .isEqualTo(3000);
            assertThat(counter(m.body(), "berth_proxy_bytes_total{direction=\"to_client\",mode=\"path\"}"))
                    .isGreaterThanOrEqualTo(5000);
        }
    }

    private static double counter(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(series));
    }

    @Test
    void outside_the_allow_list_only_admins_and_admin_tokens_may_read() throws Exception {
        try (BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            config.server.metricsAllow.clear();
            berth.startOnLoopback(config, 1);
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            admin.get("/admin/users");
            admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");

            RawHttp.Answer anonymous = RawHttp.get(berth.url(), "/metrics");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.body()).doesNotContain("berth_stacks");
            assertThat(alice.get("/metrics").statusCode()).isEqualTo(403);
            String aliceRead = alice.createToken("reader", "read");
            assertThat(RawHttp.get(berth.url(), "/metrics", "Authorization: Bearer " + aliceRead).status()).isEqualTo(403);

            assertThat(admin.get("/metrics").statusCode()).isEqualTo(200);
            String adminToken = admin.createToken("prometheus", "admin");
            RawHttp.Answer scraped = RawHttp.get(berth.url(), "/metrics", "Authorization: Bearer " + adminToken);
            assertThat(scraped.status()).isEqualTo(200);
            assertThat(scraped.body()).contains("berth_stacks");
        }
    }
}
