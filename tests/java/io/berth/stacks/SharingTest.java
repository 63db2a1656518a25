package io.berth.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.berth.store.GroupStore;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.RawHttp;
import io.berth.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sharing alice's stack: with a group bob is in, then with bob himself; each revocation refuses his next request,
 * and the revocation of his share closes the WebSocket he has open.
 */
class SharingTest {
    private static LoopbackPortal portal;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal(null, null, "demo");
        // bob's group, as single sign-on would record it (H2 lets this JVM open Berth's database too)
        Jdbi jdbi = Jdbi.create("jdbc:h2:file:" + portal.berth.home.resolve("data/berth"), "berth", "");
        long bob = jdbi.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = 'bob'")
                .mapTo(Long.class).one());
        new GroupStore(jdbi).replaceMemberships(bob, GroupStore.SSO, List.of("physics"));
    }

    @AfterAll
    static void stop() throws Exception {
        portal.close();
    }

    private static int bobGets() {
        return RawHttp.get(portal.url(), "/user/alice/lab/web/", "Cookie: " + portal.bob.cookieHeader()).status();
    }

    private static int share(String kind, String with) {
        portal.alice.get("/stacks/alice/lab");
        return portal.alice.post("/stacks/alice/lab/shares", Map.of("kind", kind, "with", with)).statusCode();
    }

    private static int revoke(String kind, String with) {
        portal.alice.get("/stacks/alice/lab");
        return portal.alice.post("/stacks/alice/lab/shares/" + kind + "/" + with + "/revoke", Map.of()).statusCode();
    }

    @Test
    void share_open_revoke_refused_even_on_an_open_websocket() throws Exception {
        assertThat(bobGets()).as("not shared yet").isEqualTo(404);

        assertThat(share("group", "physics")).isEqualTo(302);
        assertThat(bobGets()).as("through his group").isEqualTo(200);
        assertThat(revoke("group", "physics")).isEqualTo(302);
        assertThat(bobGets()).as("group share revoked").isEqualTo(404);

        assertThat(share("user", "bob")).isEqualTo(302);
        assertThat(portal.alice.get("/stacks/alice/lab").body()).contains("<strong>bob</strong>");
        assertThat(bobGets()).isEqualTo(200);
        assertThat(portal.bob.get("/dashboard").body()).contains("Shared with you").contains("id=\"shared-alice-lab\"")
                .contains("href=\"/user/alice/lab/web/\"");
        assertThat(portal.bob.get("/stacks/alice/lab").statusCode()).as("open, not manage").isEqualTo(404);
        assertThat(portal.bob.post("/stacks/alice/lab/stop", Map.of()).statusCode()).isEqualTo(404);

        String ws = portal.url().replace("http:", "ws:") + "/user/alice/lab/web/api/kernels/k1/ws";
        try (WsClient bobs = WsClient.open(ws, portal.bob.cookieHeader())) {
            bobs.sendText("hello");
            assertThat(bobs.nextText()).isEqualTo("hello");

            long began = System.nanoTime();
            assertThat(revoke("user", "bob")).isEqualTo(302);

            Throwable ended = catchThrowable(bobs::closed);
            assertThat(ended == null || ended.getMessage().contains("failed")).as("the WebSocket ended: " + ended).isTrue();
            System.out.printf("revocation closed bob's WebSocket after %.0f ms%n", (System.nanoTime() - began) / 1e6);
        }
        assertThat(bobGets()).isEqualTo(404);
        assertThat(portal.bob.get("/dashboard").body()).doesNotContain("Shared with you");
    }

    @Test
    void only_existing_users_and_groups_and_only_by_the_owner() {
        portal.alice.get("/stacks/alice/lab");
        String page = portal.alice.post("/stacks/alice/lab/shares", Map.of("kind", "user", "with", "nobody"))
                .headers().firstValue("Location").orElseThrow();
        assertThat(java.net.URLDecoder.decode(page, java.nio.charset.StandardCharsets.UTF_8))
                .contains("There is no user \"nobody\"");
        portal.bob.get("/dashboard");
        assertThat(portal.bob.post("/stacks/alice/lab/shares", Map.of("kind", "user", "with", "bob")).statusCode())
                .as("bob cannot share alice's stack with himself").isEqualTo(404);
        assertThat(bobGets()).isEqualTo(404);

        String token = portal.alice.createToken("sharer", "read launch");
        String body = "{\"kind\": \"user\", \"name\": \"zed\"}";
        RawHttp.Answer bad = RawHttp.send(portal.url(), ("POST /api/v1/stacks/alice/lab/shares HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("\"field\":\"name\"");
    }
}
