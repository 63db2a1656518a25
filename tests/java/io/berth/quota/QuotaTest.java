package io.berth.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Quotas hold under concurrent launches on real Docker, show on the dashboard, and admins change them. */
class QuotaTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> launch(String base, String token, String name) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/stacks"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"template\": \"demo\", \"name\": \"" + name + "\"}"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PortalClient userWithToken(BerthInstance berth, String name) {
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        assertThat(admin.post("/admin/users", Map.of("username", name, "password", name + "-password")).statusCode())
                .isEqualTo(302);
        return new PortalClient(berth.url()).login(name, name + "-password");
    }

    @Test
    void ten_launches_at_once_against_a_quota_of_three_containers_start_exactly_three() throws Exception {
        TestDocker.ensureDemoImage();
        try (BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            config.quotas.user = new BerthConfig.Limit(0, 3, 0, "0");
            berth.start(config);
            String token = userWithToken(berth, "alice").createToken("burst", "read launch");

            ExecutorService pool = Executors.newFixedThreadPool(10);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String name = "q" + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return launch(berth.url(), token, name);
                }));
            }
            go.countDown();
            List<String> created = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 201) {
                    created.add(r.body());
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
                    refused.add(r.body());
                }
            }
            pool.shutdownNow();

            assertThat(created).hasSize(3);
            assertThat(refused).hasSize(7).allSatisfy(body -> assertThat(body)
                    .contains("\"error\":\"quota_exceeded\"")
                    .contains("needs 1 container, 0.25 CPU and 32 MiB, but you use 3 containers of your 3 containers")
                    .contains("ask an admin to raise your quota"));
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
            Stacks.waitUntil(() -> TestDocker.containers(berth.run).stream().filter(n -> n.contains("-alice--q"))
                    .count() == 3 && alice.get("/dashboard").body().split("state-READY").length - 1 == 3,
                    Duration.ofSeconds(60));
            assertThat(alice.get("/dashboard").body()).as("nothing half-created").doesNotContain("state-FAILED")
                    .doesNotContain("state-PENDING");
            assertThat(TestDocker.containers(berth.run).stream().filter(n -> n.contains("-alice--q"))).hasSize(3);
            assertThat(alice.get("/dashboard").body()).contains("3 of 3");
        }
    }

    @Test
    void usage_shows_on_the_dashboard_and_an_admin_raises_a_limit() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            config.quotas.user = new BerthConfig.Limit(1, 0, 0, "0");
            berth.startOnLoopback(config, echo.port());
            PortalClient bob = userWithToken(berth, "bob");
            Stacks.launch(bob, "demo", "first");
            assertThat(bob.get("/dashboard").body()).contains("id=\"usage-stacks\"").contains("1 of 1")
                    .contains("usage-fill full");

            bob.get("/catalog");
            HttpResponse<String> refused = bob.post("/stacks", Map.of("template", "demo", "name", "second"));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("but you use 1 stack of your 1 stack.");

            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            assertThat(admin.get("/admin/quotas").body()).contains("id=\"quota-bob\"");
            assertThat(admin.post("/admin/quotas/bob", Map.of("stacks", "x")).statusCode()).isEqualTo(400);
            assertThat(admin.post("/admin/quotas/bob", Map.of("stacks", "2", "memory", "8g")).statusCode()).isEqualTo(302);

            Stacks.launch(bob, "demo", "second");
            assertThat(bob.get("/dashboard").body()).contains("2 of 2");
            assertThat(admin.get("/admin/quotas").body()).contains("Memory: 64 MiB of 8 GiB");

            String adminToken = admin.createToken("quota-api", "admin");
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(berth.url()
                            + "/api/v1/admin/quotas/users/bob")).header("Authorization", "Bearer " + adminToken)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"stacks\": 3, \"cpu\": 1.5}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(put.body()).contains("\"limits\":{\"stacks\":3,\"containers\":0,\"cpu_millis\":1500");
            String bobToken = bob.createToken("mine", "read");
            HttpResponse<String> mine = HTTP.send(HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/quota"))
                    .header("Authorization", "Bearer " + bobToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(mine.body()).contains("\"used\":{\"stacks\":2,\"containers\":2,\"cpu_millis\":500");
        }
    }
}
