package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Keycloak;
import io.berth.testing.KeycloakLogin;
import io.berth.testing.PortalClient;
import io.berth.testing.TamperingProvider;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on against a real Keycloak, without a browser: Berth's side of the authorization code flow (PKCE,
 * state, nonce), users and groups from the claims, and every way a sign-in must be refused.
 */
@Tag("keycloak")
class SsoLoginTest {
    private static Keycloak keycloak;
    private static BerthInstance berth;

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.shared();
        berth = new BerthInstance();
        berth.startOnLoopback(ssoConfig(berth, keycloak.issuer()), 9);
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    /** Berth configured for the test realm: lqcd, astro and berth-admins may sign in; berth-admins are admins. */
    static BerthConfig ssoConfig(BerthInstance berth, String issuer) {
        BerthConfig c = berth.config();
        c.auth.oidc.issuer = issuer;
        c.auth.oidc.clientId = Keycloak.shared().clientId();
        c.auth.oidc.clientSecret = Keycloak.shared().clientSecret();
        c.auth.oidc.displayName = "Keycloak";
        c.auth.oidc.allowedGroups = List.of("lqcd", "astro", "berth-admins");
        c.auth.oidc.adminGroups = List.of("berth-admins");
        return c;
    }

    /** Starts a sign-in at Berth and logs in at Keycloak's own form; returns where Keycloak sends the browser back. */
    private static URI signInAtKeycloak(PortalClient client, String user, String password) {
        HttpResponse<String> start = client.get("/login/oidc?next=/catalog");
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        String location = start.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(keycloak.issuer()).contains("code_challenge_method=S256")
                .contains("state=").contains("nonce=");
        return KeycloakLogin.followToCallback(client.http(), URI.create(location), user, password);
    }

    private static HttpResponse<String> back(PortalClient client, URI callback) {
        assertThat(callback.getPath()).isEqualTo("/login/oidc/callback");
        return client.get(callback.getRawPath() + "?" + callback.getRawQuery());
    }

    @Test
    void alice_signs_in_with_her_groups_and_a_fresh_session() {
        PortalClient client = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        String before = client.cookieHeader();

        HttpResponse<String> back = back(client, signInAtKeycloak(client, "alice", "alice-pass-1"));

        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location")).hasValue("/catalog");
        assertThat(back.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("berth_session=").contains("HttpOnly").contains("SameSite=Lax"));
        assertThat(client.cookieHeader()).as("a new session id at sign-in").isNotEqualTo(before);
        String dashboard = client.get("/dashboard").body();
        assertThat(dashboard).contains("<span id=\"whoami\">alice</span>").contains("Groups: lqcd");
        assertThat(dashboard).doesNotContain("/admin/users");

        assertThat(sessionStillWorks(before)).as("the session before sign-in ended").isFalse();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(admin.get("/admin/audit?actor=alice&action=login.sso").body()).as("audited")
                .contains("<td class=\"result\">302</td>");
    }

    private static boolean sessionStillWorks(String cookieHeader) {
        try {
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    URI.create(berth.url() + "/dashboard")).header("Cookie", cookieHeader).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_member_of_the_admin_group_is_an_admin() {
        PortalClient dora = new PortalClient(berth.url());
        assertThat(back(dora, signInAtKeycloak(dora, "dora", "dora-pass-1")).statusCode()).isEqualTo(302);
        assertThat(dora.get("/dashboard").body()).contains("Groups: berth-admins, lqcd").contains("/admin/users");
        assertThat(dora.get("/admin/users").statusCode()).isEqualTo(200);
    }

    @Test
    void a_user_outside_the_allowed_groups_is_refused_clearly_and_not_created() {
        PortalClient carol = new PortalClient(berth.url());
        HttpResponse<String> back = back(carol, signInAtKeycloak(carol, "carol", "carol-pass-1"));

        assertThat(back.statusCode()).isEqualTo(403);
        assertThat(back.body()).contains("not in a group allowed to use Berth").contains("visitors")
                .contains("Sign in with Keycloak");
        assertThat(back.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("berth_session=") && !c.startsWith("berth_session=;"));
        assertThat(carol.get("/dashboard").statusCode()).as("still anonymous").isEqualTo(302);
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(admin.get("/admin/users").body()).doesNotContain(">carol<");
        assertThat(admin.get("/admin/audit?actor=carol").body()).as("the refusal is audited")
                .contains("<td class=\"action\">login.sso</td>").contains("<td class=\"result\">403</td>");
    }

    @Test
    void a_replayed_answer_is_refused() {
        PortalClient bob = new PortalClient(berth.url());
        URI callback = signInAtKeycloak(bob, "bob", "bob-pass-1");
        assertThat(back(bob, callback).statusCode()).isEqualTo(302);

        PortalClient attacker = new PortalClient(berth.url());
        HttpResponse<String> replayed = back(attacker, callback);
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.body()).contains("expired or was already used");

        // The same code again, now with a sign-in of the attacker's own in progress (a valid state of theirs):
        // Keycloak refuses the used code, whatever Berth's state says.
        HttpResponse<String> start = attacker.get("/login/oidc");
        String state = query(URI.create(start.headers().firstValue("Location").orElseThrow()), "state");
        String forged = callback.getRawQuery().replaceAll("state=[^&]*", "state=" + state);
        HttpResponse<String> reused = attacker.get("/login/oidc/callback?" + forged);
        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(401);
        assertThat(reused.body()).contains("refused the sign-in code");
        assertThat(attacker.get("/dashboard").statusCode()).as("nobody signed in").isEqualTo(302);
    }

    @Test
    void a_wrong_state_is_refused() {
        PortalClient client = new PortalClient(berth.url());
        URI callback = signInAtKeycloak(client, "alice", "alice-pass-1");
        String forged = callback.getRawQuery().replaceAll("state=([^&]*)", "state=forged$1");

        HttpResponse<String> back = client.get("/login/oidc/callback?" + forged);

        assertThat(back.statusCode()).isEqualTo(400);
        assertThat(back.body()).contains("wrong state");
        assertThat(client.get("/dashboard").statusCode()).isEqualTo(302);
    }

    @Test
    void a_tampered_id_token_is_refused() throws Exception {
        try (TamperingProvider mitm = new TamperingProvider(keycloak.issuer());
             BerthInstance other = new BerthInstance()) {
            other.startOnLoopback(ssoConfig(other, mitm.issuer()), 9);
            PortalClient client = new PortalClient(other.url());
            HttpResponse<String> start = client.get("/login/oidc");
            URI callback = KeycloakLogin.followToCallback(client.http(),
                    URI.create(start.headers().firstValue("Location").orElseThrow()), "alice", "alice-pass-1");

            HttpResponse<String> back = client.get(callback.getRawPath() + "?" + callback.getRawQuery());

            assertThat(back.statusCode()).as(back.body()).isEqualTo(401);
            assertThat(back.body()).contains("failed Berth's checks").contains("Signed JWT rejected");
            assertThat(client.get("/dashboard").statusCode()).as("nobody signed in, as bob least of all").isEqualTo(302);
        }
    }

    @Test
    void keycloak_refuses_a_wrong_password_on_its_own_page() {
        PortalClient client = new PortalClient(berth.url());
        HttpResponse<String> start = client.get("/login/oidc");
        assertThatThrownBy(() -> KeycloakLogin.followToCallback(client.http(),
                URI.create(start.headers().firstValue("Location").orElseThrow()), "alice", "wrong"))
                .hasMessageContaining("Invalid username or password");
    }

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }
}
