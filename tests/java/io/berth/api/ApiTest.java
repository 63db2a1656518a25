package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.BerthInstance;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.PortalClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API over HTTP, as a script would use it: each endpoint's success and its ways of saying no. */
class ApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LoopbackPortal portal;
    private static String aliceRead;
    private static String aliceLaunch;
    private static String bobAll;
    private static String adminToken;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal(null, null, "demo");
        aliceRead = portal.alice.createToken("read-only", "read");
        aliceLaunch = portal.alice.createToken("automation", "read launch");
        bobAll = portal.bob.createToken("bobs", "read launch access");
        adminToken = new PortalClient(portal.url()).login("admin", BerthInstance.ADMIN_PASSWORD)
                .createToken("ops", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        portal.close();
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Answer call(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(portal.url() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertError(Answer a, int status, String error, String field) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(a.json().path("error").asText()).isEqualTo(error);
        assertThat(a.json().path("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(a.json().path("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void without_a_valid_token_every_endpoint_answers_401_with_a_bearer_challenge() {
        for (String path : new String[] {"/me", "/templates", "/stacks", "/stacks/alice/lab", "/tokens", "/admin/users"}) {
            Answer none = call("GET", path, null, null);
            assertError(none, 401, "unauthorized", null);
            assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"berth\"");
            Answer forged = call("GET", path, "berth_" + "x".repeat(43), null);
            assertError(forged, 401, "invalid_token", null);
            assertThat(forged.raw().headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        }
    }

    @Test
    void an_expired_token_is_refused() {
        // Written straight into Berth's database (H2 lets this JVM open it too): expired yesterday.
        var jdbi = org.jdbi.v3.core.Jdbi.create("jdbc:h2:file:" + portal.berth.home.resolve("data/berth"), "berth", "");
        long alice = new io.berth.store.UserStore(jdbi).byName("alice").orElseThrow().id();
        String secret = "berth_" + "e".repeat(43);
        new io.berth.store.TokenStore(jdbi).create(alice, null, "expired", io.berth.auth.Sessions.hash(secret), "read",
                java.time.Instant.now().minus(Duration.ofDays(2)), java.time.Instant.now().minus(Duration.ofDays(1)));

        assertError(call("GET", "/me", secret, null), 401, "invalid_token", null);
    }

    @Test
    void the_portal_cookie_does_not_open_the_api() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(portal.url() + "/api/v1/stacks"))
                .header("Cookie", portal.alice.cookieHeader()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void me_and_the_catalog() {
        JsonNode me = call("GET", "/me", aliceRead, null).json();
        assertThat(me.path("username").asText()).isEqualTo("alice");
        assertThat(me.path("token_scopes").toString()).isEqualTo("[\"read\"]");

        Answer templates = call("GET", "/templates", aliceRead, null);
        assertThat(templates.status()).isEqualTo(200);
        assertThat(templates.json().findValuesAsText("name")).contains("demo");
        JsonNode demo = call("GET", "/templates/demo", aliceRead, null).json();
        assertThat(demo.path("services").isArray()).isTrue();
        assertThat(demo.path("parameters").isArray()).isTrue();
        assertError(call("GET", "/templates/nope", aliceRead, null), 404, "not_found", null);
    }

    @Test
    void a_stack_is_launched_followed_stopped_started_and_deleted() throws Exception {
        Answer made = call("POST", "/stacks", aliceLaunch, "{\"template\": \"demo\", \"name\": \"api-one\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.raw().headers().firstValue("Location")).hasValue(portal.url() + "/api/v1/stacks/alice/api-one");
        assertThat(made.json().path("state").asText()).isIn("PENDING", "STARTING", "READY");

        assertError(call("GET", "/stacks/alice/api-one/progress", aliceRead, null), 406, "not_acceptable", null);
        HttpResponse<String> progress = HTTP.send(HttpRequest.newBuilder(URI.create(portal.url()
                        + "/api/v1/stacks/alice/api-one/progress")).header("Authorization", "Bearer " + aliceRead)
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(progress.statusCode()).isEqualTo(200);
        assertThat(progress.body()).contains("event: done");

        JsonNode detail = call("GET", "/stacks/alice/api-one", aliceRead, null).json();
        assertThat(detail.path("stack").path("state").asText()).isEqualTo("READY");
        assertThat(detail.path("links").get(0).path("url").asText()).isEqualTo(portal.url() + "/user/alice/api-one/web/");
        assertThat(call("GET", "/stacks", aliceRead, null).json().findValuesAsText("name")).contains("lab", "api-one");
        assertThat(call("GET", "/stacks/alice/api-one/connection", aliceRead, null).status()).isEqualTo(200);
        Answer logs = call("GET", "/stacks/alice/api-one/logs/web?tail=5", aliceRead, null);
        assertThat(logs.status()).isEqualTo(200);
        assertError(call("GET", "/stacks/alice/api-one/logs/web?tail=0", aliceRead, null), 400, "bad_request", "tail");

        assertThat(call("POST", "/stacks/alice/api-one/stop", aliceLaunch, null).status()).isEqualTo(202);
        waitFor("alice", "api-one", "STOPPED");
        assertThat(call("POST", "/stacks/alice/api-one/start", aliceLaunch, null).status()).isEqualTo(202);
        waitFor("alice", "api-one", "READY");
        assertThat(call("DELETE", "/stacks/alice/api-one", aliceLaunch, null).status()).isEqualTo(204);
        io.berth.testing.Stacks.waitUntil(() -> call("GET", "/stacks/alice/api-one", aliceRead, null).status() == 404,
                Duration.ofSeconds(20));
    }

    private static void waitFor(String owner, String name, String state) {
        io.berth.testing.Stacks.waitUntil(() -> call("GET", "/stacks/" + owner + "/" + name, aliceRead, null).json()
                .path("stack").path("state").asText().equals(state), Duration.ofSeconds(20));
    }

    @Test
    void bad_bodies_are_refused_naming_the_field_or_the_place() {
        assertError(call("POST", "/stacks", aliceLaunch, "{\"template\": \"demo\",, }"), 400, "bad_request", null);
        assertThat(call("POST", "/stacks", aliceLaunch, "{\"template\": \"demo\",, }").json().path("message").asText())
                .contains("line 1, column");
        assertError(call("POST", "/stacks", aliceLaunch, "{\"template\": \"demo\", \"colour\": 1}"), 400, "bad_request", "colour");
        assertError(call("POST", "/stacks", aliceLaunch, "{\"template\": [1]}"), 400, "bad_request", "template");
        assertError(call("POST", "/stacks", aliceLaunch, "[]"), 400, "bad_request", null);
        assertError(call("POST", "/stacks", aliceLaunch, "{}"), 400, "bad_request", "template");
        assertError(call("POST", "/stacks", aliceLaunch, "{\"template\": \"demo\", \"name\": \"Bad Name\"}"), 422, "invalid", "name");
        assertError(call("POST", "/stacks", aliceLaunch, "{\"template\": \"nope\"}"), 422, "invalid", "template");
        assertError(call("POST", "/stacks", aliceLaunch, "{\"template\": \"demo\", \"name\": \"lab\"}"), 409, "conflict", "name");
        assertError(call("POST", "/stacks", aliceLaunch, "{\"template\": \"demo\", \"parameters\": {\"nope\": 1}}"), 422, "invalid", "nope");
    }

    @Test
    void scopes_and_ownership_are_enforced() {
        Answer readOnly = call("POST", "/stacks", aliceRead, "{\"template\": \"demo\", \"name\": \"never\"}");
        assertError(readOnly, 403, "insufficient_scope", null);
        assertThat(readOnly.raw().headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"launch\"");

        Answer others = call("GET", "/stacks/alice/lab", bobAll, null);
        Answer missing = call("GET", "/stacks/alice/no-such-stack", bobAll, null);
        assertError(others, 404, "not_found", null);
        assertThat(others.body()).as("another user's stack looks like no stack at all").isEqualTo(missing.body());
        assertError(call("POST", "/stacks/alice/lab/stop", bobAll, null), 404, "not_found", null);
        assertError(call("DELETE", "/stacks/alice/lab", bobAll, null), 404, "not_found", null);
        assertError(call("GET", "/stacks/alice/lab/logs/web", bobAll, null), 404, "not_found", null);
        assertThat(call("GET", "/stacks/alice/lab", aliceRead, null).status()).isEqualTo(200);

        assertError(call("GET", "/admin/users", aliceLaunch, null), 403, "insufficient_scope", null);
    }

    @Test
    void tokens_are_made_listed_and_revoked_and_never_grow_rights() {
        Answer noScope = call("POST", "/tokens", aliceRead, "{\"name\": \"more\", \"scopes\": [\"read\"]}");
        assertError(noScope, 403, "insufficient_scope", null);
        assertThat(noScope.raw().headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"tokens\"");
        assertError(call("GET", "/tokens", aliceRead, null), 403, "insufficient_scope", null);
        String manager = portal.alice.createToken("manager", "read tokens"); // 30 days
        assertError(call("POST", "/tokens", manager, "{\"name\": \"more\", \"scopes\": [\"launch\"]}"), 403, "forbidden", null);
        assertError(call("POST", "/tokens", manager, "{\"name\": \"odd\", \"scopes\": [\"root\"]}"), 422, "invalid", "scopes");

        Answer made = call("POST", "/tokens", manager, "{\"name\": \"ci job\", \"scopes\": [\"read\"], \"expires_days\": 7}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String secret = made.json().path("secret").asText();
        assertThat(secret).startsWith("berth_");
        JsonNode listed = call("GET", "/tokens", manager, null).json();
        assertThat(listed.findValuesAsText("name")).contains("ci job");
        assertThat(listed.toString()).doesNotContain(secret);
        assertThat(call("GET", "/me", secret, null).status()).isEqualTo(200);

        assertThat(call("DELETE", "/tokens/" + idOf(listed, "ci job"), aliceRead, null).status()).isEqualTo(403);
        assertThat(call("DELETE", "/tokens/" + idOf(listed, "ci job"), manager, null).status()).isEqualTo(204);
        assertError(call("GET", "/me", secret, null), 401, "invalid_token", null);
        assertError(call("DELETE", "/tokens/" + idOf(listed, "ci job"), manager, null), 404, "not_found", null);
        // a weak token cannot revoke a stronger one of the same user
        assertError(call("DELETE", "/tokens/" + idOf(listed, "automation"), manager, null), 404, "not_found", null);
        assertThat(call("GET", "/me", aliceLaunch, null).status()).isEqualTo(200);
    }

    @Test
    void a_token_made_by_a_token_expires_with_it_and_is_revoked_with_it() {
        String parent = portal.alice.createToken("parent", "read tokens"); // 30 days
        Answer child = call("POST", "/tokens", parent, "{\"name\": \"child\", \"scopes\": [\"read\", \"tokens\"],"
                + " \"expires_days\": 0}");
        assertThat(child.status()).as(child.body()).isEqualTo(201);
        Instant expires = Instant.parse(child.json().path("expires_at").asText());
        assertThat(expires).isBefore(Instant.now().plus(Duration.ofDays(31)));
        String childSecret = child.json().path("secret").asText();
        Answer grandchild = call("POST", "/tokens", childSecret, "{\"name\": \"grandchild\", \"scopes\": [\"read\"]}");
        assertThat(grandchild.status()).as(grandchild.body()).isEqualTo(201);
        assertThat(Instant.parse(grandchild.json().path("expires_at").asText())).isEqualTo(expires);
        String grandchildSecret = grandchild.json().path("secret").asText();
        assertThat(call("GET", "/me", grandchildSecret, null).status()).isEqualTo(200);

        long parentId = idOf(call("GET", "/tokens", parent, null).json(), "parent");
        assertThat(portal.alice.post("/tokens/" + parentId + "/revoke", java.util.Map.of()).statusCode()).isEqualTo(302);
        assertError(call("GET", "/me", childSecret, null), 401, "invalid_token", null);
        assertError(call("GET", "/me", grandchildSecret, null), 401, "invalid_token", null);
        assertThat(portal.alice.get("/tokens").body()).doesNotContain("grandchild");
    }

    private static long idOf(JsonNode listed, String name) {
        for (JsonNode t : listed) {
            if (t.path("name").asText().equals(name)) {
                return t.path("id").asLong();
            }
        }
        throw new AssertionError("no token " + name + " in " + listed);
    }

    @Test
    void admins_see_users_groups_and_every_stack() {
        JsonNode users = call("GET", "/admin/users", adminToken, null).json();
        assertThat(users.findValuesAsText("username")).contains("admin", "alice", "bob");
        assertThat(call("GET", "/admin/stacks", adminToken, null).json().findValuesAsText("name")).contains("lab");
        assertThat(call("GET", "/admin/groups", adminToken, null).status()).isEqualTo(200);
        assertThat(call("GET", "/stacks/alice/lab", adminToken, null).status()).as("admins see every stack").isEqualTo(200);

        Answer made = call("POST", "/admin/users", adminToken, "{\"username\": \"carol\", \"password\": \"carol-password\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json().path("local_password").asBoolean()).isTrue();
        assertError(call("POST", "/admin/users", adminToken, "{\"username\": \"carol\", \"password\": \"carol-password\"}"),
                409, "conflict", "username");
        assertError(call("POST", "/admin/users", adminToken, "{\"username\": \"Not Valid!\", \"password\": \"carol-password\"}"),
                422, "invalid", "username");
    }
}
