package io.berth.stacks;

import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.store.GroupStore;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Group stacks: a member launches a template for the group; every member sees it, opens it under /group/… and may
 * stop it; a non-member cannot; the group's quota is shared by its members and separate from their own.
 */
class GroupStacksTest {

    @Test
    void members_share_a_group_stack_and_its_quota_and_others_are_kept_out() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            berth.template("board.yaml", Files.readString(Path.of("templates/demo.yaml"))
                    .replace("name: demo", "name: board\nowner_kinds: [user, group]"));
            BerthConfig config = berth.config();
            config.quotas.group = new BerthConfig.Limit(1, 0, 0, "0");
            berth.startOnLoopback(config, echo.port());
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            admin.get("/admin/users");
            for (String user : List.of("alice", "bob", "carol")) {
                admin.post("/admin/users", Map.of("username", user, "password", user + "-password"));
            }
            Jdbi jdbi = Jdbi.create("jdbc:h2:file:" + berth.home.resolve("data/berth"), "berth", "");
            for (String member : List.of("alice", "bob")) {
                long id = jdbi.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = :u")
                        .bind("u", member).mapTo(Long.class).one());
                new GroupStore(jdbi).replaceMemberships(id, GroupStore.SSO, List.of("lqcd"));
            }
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
            PortalClient bob = new PortalClient(berth.url()).login("bob", "bob-password");
            PortalClient carol = new PortalClient(berth.url()).login("carol", "carol-password");

            assertThat(alice.get("/catalog").body()).contains("<option value=\"lqcd\">group lqcd</option>");
            HttpResponse<String> made = launch(alice, "board", "team", "lqcd");
            assertThat(made.statusCode()).as(made.body()).isEqualTo(302);
            assertThat(made.headers().firstValue("Location")).hasValue("/stacks/@lqcd/team");
            assertThat(waitForState(alice, "/stacks/@lqcd/team", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            assertThat(alice.get("/stacks/@lqcd/team").body()).contains("href=\"/group/lqcd/team/web/\"");

            assertThat(bob.get("/dashboard").body()).contains("id=\"group-stack-lqcd-team\"");
            assertThat(get(berth, bob, "/group/lqcd/team/web/").status()).as("a member opens it").isEqualTo(200);
            assertThat(get(berth, bob, "/group/lqcd/team/web/").header("X-Echo-Reached")).isNotNull();
            assertThat(get(berth, carol, "/group/lqcd/team/web/").status()).as("not a member").isEqualTo(404);
            assertThat(get(berth, bob, "/user/@lqcd/team/web/").status()).as("one URL only").isEqualTo(404);
            assertThat(carol.get("/stacks/@lqcd/team").statusCode()).isEqualTo(404);
            assertThat(carol.get("/dashboard").body()).doesNotContain("group-stack-lqcd-team");

            HttpResponse<String> second = launch(bob, "board", "second", "lqcd");
            assertThat(second.statusCode()).isEqualTo(403);
            assertThat(second.body()).contains("the group lqcd uses 1 stack of its 1 stack");
            assertThat(launch(bob, "board", "mine", "").statusCode()).as("his own quota is separate").isEqualTo(302);
            assertThat(launch(carol, "board", "intruder", "lqcd").body()).contains("You are not a member of the group");
            assertThat(launch(alice, "demo", "solo", "lqcd").body()).contains("is for personal stacks only");

            bob.get("/stacks/@lqcd/team");
            assertThat(bob.post("/stacks/@lqcd/team/stop", Map.of()).statusCode()).as("members manage").isEqualTo(302);
            assertThat(waitForState(bob, "/stacks/@lqcd/team", "STOPPED", Duration.ofSeconds(20))).isEqualTo("STOPPED");
            assertThat(launch(bob, "board", "second", "lqcd").statusCode()).as("the group's quota is free again")
                    .isEqualTo(302);

            String token = alice.createToken("team-api", "read launch");
            String body = "{\"template\": \"board\", \"name\": \"api-team\", \"group\": \"lqcd\"}";
            RawHttp.Answer viaApi = RawHttp.send(berth.url(), ("POST /api/v1/stacks HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes());
            assertThat(viaApi.status()).as("the API counts the same group quota").isEqualTo(403);
            assertThat(viaApi.body()).contains("quota_exceeded").contains("the group lqcd uses 1 stack");
        }
    }

    @Test
    void with_managed_by_group_admins_members_open_but_only_group_admins_stop() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            berth.template("board.yaml", Files.readString(Path.of("templates/demo.yaml"))
                    .replace("name: demo", "name: board\nowner_kinds: [user, group]"));
            BerthConfig config = berth.config();
            config.groupStacks.managedBy = "group_admins";
            berth.startOnLoopback(config, echo.port());
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            admin.get("/admin/users");
            Jdbi jdbi = Jdbi.create("jdbc:h2:file:" + berth.home.resolve("data/berth"), "berth", "");
            Map<String, List<String>> memberships = Map.of("alice", List.of("lqcd", "lqcd-admins"), "bob", List.of("lqcd"));
            for (var m : memberships.entrySet()) {
                admin.post("/admin/users", Map.of("username", m.getKey(), "password", m.getKey() + "-password"));
                long id = jdbi.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = :u")
                        .bind("u", m.getKey()).mapTo(Long.class).one());
                new GroupStore(jdbi).replaceMemberships(id, GroupStore.SSO, m.getValue());
            }
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
            PortalClient bob = new PortalClient(berth.url()).login("bob", "bob-password");
            assertThat(launch(alice, "board", "team", "lqcd").statusCode()).isEqualTo(302);
            assertThat(waitForState(alice, "/stacks/@lqcd/team", "READY", Duration.ofSeconds(30))).isEqualTo("READY");

            assertThat(get(berth, bob, "/group/lqcd/team/web/").status()).as("members open it").isEqualTo(200);
            assertThat(bob.get("/stacks/@lqcd/team").statusCode()).as("and see its page").isEqualTo(200);
            HttpResponse<String> stop = bob.post("/stacks/@lqcd/team/stop", Map.of());
            assertThat(stop.statusCode()).isEqualTo(403);
            assertThat(stop.body()).contains("Only the admins of the group lqcd (members of lqcd-admins)");
            alice.get("/stacks/@lqcd/team");
            assertThat(alice.post("/stacks/@lqcd/team/stop", Map.of()).statusCode()).isEqualTo(302);
        }
    }

    @Test
    void on_real_docker_a_group_stack_runs_under_its_own_names_and_serves_members() throws Exception {
        io.berth.testing.TestDocker.ensureDemoImage();
        try (BerthInstance berth = new BerthInstance()) {
            berth.template("board.yaml", Files.readString(Path.of("templates/demo.yaml"))
                    .replace("name: demo", "name: board\nowner_kinds: [user, group]"));
            berth.start();
            Jdbi jdbi = Jdbi.create("jdbc:h2:file:" + berth.home.resolve("data/berth"), "berth", "");
            long id = jdbi.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = 'admin'")
                    .mapTo(Long.class).one());
            new GroupStore(jdbi).replaceMemberships(id, GroupStore.SSO, List.of("lqcd")); // before Berth reads them
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);

            assertThat(launch(admin, "board", "team", "lqcd").statusCode()).isEqualTo(302);
            assertThat(waitForState(admin, "/stacks/@lqcd/team", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
            assertThat(admin.get("/group/lqcd/team/web/").body()).contains("Hello from a Berth stack");
            assertThat(io.berth.testing.TestDocker.containers(berth.run)).as("the group account's name, escaped")
                    .contains(berth.run + "--40lqcd--team--web");
        }
    }

    private static HttpResponse<String> launch(PortalClient client, String template, String name, String group) {
        client.get("/catalog");
        return client.post("/stacks", Map.of("template", template, "name", name, "group", group));
    }

    private static RawHttp.Answer get(BerthInstance berth, PortalClient client, String path) {
        return RawHttp.get(berth.url(), path, "Cookie: " + client.cookieHeader());
    }
}
