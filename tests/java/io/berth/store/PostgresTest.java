package io.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.Postgres;
import io.berth.testing.Stacks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Berth on a real PostgreSQL server instead of its embedded H2 (the schema from db/postgresql): accounts, a launch
 * admitted under the quota lock, the proxy, sharing, tokens and the audit log work, and a restart on the same
 * database keeps sessions, stacks and routes.
 */
class PostgresTest {

    /** The instance's config, on a new database of the test PostgreSQL server. */
    private static BerthConfig onPostgres(BerthInstance berth) {
        BerthConfig config = berth.config();
        config.store.url = Postgres.server().newDatabase();
        config.store.user = "postgres";
        return config;
    }

    @Test
    void berth_runs_on_postgresql_and_keeps_everything_across_a_restart() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            BerthConfig config = onPostgres(berth);
            config.quotas.user.stacks = 1;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                config.server.port = free.getLocalPort(); // the same address after the restart: alice keeps her cookie
            }
            berth.startOnLoopback(config, echo.port());
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            admin.get("/admin/users");
            for (String user : new String[] {"alice", "bob"}) {
                assertThat(admin.post("/admin/users", Map.of("username", user, "password", user + "-password"))
                        .statusCode()).isEqualTo(302);
            }
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
            Stacks.launch(alice, "demo", "lab");
            assertThat(Stacks.waitForState(alice, "/stacks/alice/lab", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            alice.get("/catalog");
            assertThat(alice.post("/stacks", Map.of("template", "demo", "name", "second")).body())
                    .as("quota of 1 stack, counted under the lock").contains("your 1 stack");
            assertThat(alice.get("/user/alice/lab/web/hello").body()).startsWith("GET /user/alice/lab/web/hello");
            alice.get("/stacks/alice/lab");
            assertThat(alice.post("/stacks/alice/lab/shares", Map.of("kind", "user", "with", "bob")).statusCode())
                    .isEqualTo(302);
            PortalClient bob = new PortalClient(berth.url()).login("bob", "bob-password");
            assertThat(bob.get("/user/alice/lab/web/").statusCode()).isEqualTo(200);
            String token = alice.createToken("job", "access");
            assertThat(admin.get("/admin/audit").body()).contains("stack.share", "token.create");

            berth.stop();
            berth.startOnLoopback(config, echo.port());
            assertThat(alice.get("/dashboard").statusCode()).as("alice's session survived").isEqualTo(200);
            assertThat(Stacks.waitForState(alice, "/stacks/alice/lab", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            var byToken = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(berth.url() + "/user/alice/lab/web/x")).header("Authorization", "Bearer " + token)
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(byToken.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void ten_launches_at_once_against_a_quota_of_three_admit_exactly_three_on_postgresql() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            BerthConfig config = onPostgres(berth);
            config.quotas.user = new BerthConfig.Limit(0, 3, 0, "0");
            berth.startOnLoopback(config, echo.port());
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            admin.get("/admin/users");
            admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
            String token = new PortalClient(berth.url()).login("alice", "alice-password").createToken("burst", "read launch");
            var http = java.net.http.HttpClient.newHttpClient();
            var go = new java.util.concurrent.CountDownLatch(1);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
            var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 10; i++) {
                String body = "{\"template\": \"demo\", \"name\": \"q" + i + "\"}";
                answers.add(pool.submit(() -> {
                    go.await();
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(berth.url() + "/api/v1/stacks"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            go.countDown();
            var codes = new java.util.ArrayList<Integer>();
            for (var answer : answers) {
                codes.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            pool.shutdownNow();
            assertThat(codes).filteredOn(c -> c == 201).hasSize(3);
            assertThat(codes).filteredOn(c -> c == 403).hasSize(7);
        }
    }
}
