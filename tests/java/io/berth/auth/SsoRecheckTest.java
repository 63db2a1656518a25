package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Keycloak;
import io.berth.testing.KeycloakAdmin;
import io.berth.testing.KeycloakLogin;
import io.berth.testing.PortalClient;
import java.net.URI;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Off-boarding during a session, against the real Keycloak changed through its admin API: with
 * {@code auth.oidc.recheck_seconds: 1}, a user whose groups change keeps the session with the new groups, and a user
 * taken out of the allowed groups, or disabled, is signed out of Berth within seconds, without signing in again.
 */
@Tag("keycloak")
class SsoRecheckTest {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static Keycloak keycloak;
    private static KeycloakAdmin provider;
    private static BerthInstance berth;

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.shared();
        provider = new KeycloakAdmin(keycloak);
        berth = new BerthInstance();
        BerthConfig c = SsoLoginTest.ssoConfig(berth, keycloak.issuer());
        c.auth.oidc.recheckSeconds = 1;
        berth.startOnLoopback(c, 9);
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    private static PortalClient signIn(String user, String password) {
        PortalClient client = new PortalClient(berth.url());
        var start = client.get("/login/oidc");
        URI callback = KeycloakLogin.followToCallback(client.http(),
                URI.create(start.headers().firstValue("Location").orElseThrow()), user, password);
        assertThat(client.get(callback.getRawPath() + "?" + callback.getRawQuery()).statusCode()).isEqualTo(302);
        return client;
    }

    /** Uses the session until the dashboard shows what is awaited (each use may start a re-check). */
    private static void useUntil(PortalClient client, String what, Predicate<java.net.http.HttpResponse<String>> seen) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        java.net.http.HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = client.get("/dashboard");
            if (seen.test(last)) {
                return;
            }
            io.berth.testing.Stacks.sleep(250);
        }
        throw new AssertionError("not " + what + " within " + WITHIN + "; last answer " + last.statusCode());
    }

    @Test
    void a_user_whose_groups_change_keeps_the_session_and_is_signed_out_once_no_allowed_group_is_left() {
        PortalClient erin = signIn("erin", "erin-pass-1");
        assertThat(erin.get("/dashboard").body()).contains("Groups: lqcd");

        provider.joinGroup("erin", "visitors");
        useUntil(erin, "showing the new group", r -> r.statusCode() == 200 && r.body().contains("Groups: lqcd, visitors"));

        provider.leaveGroup("erin", "lqcd");
        useUntil(erin, "signed out", r -> r.statusCode() == 302);

        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(admin.get("/admin/audit?actor=erin&action=session.end").body())
                .contains("no longer in a group allowed to use Berth");
    }

    @Test
    void a_user_disabled_at_the_provider_is_signed_out_of_berth() {
        PortalClient frank = signIn("frank", "frank-pass-1");
        assertThat(frank.get("/dashboard").statusCode()).isEqualTo(200);

        provider.disable("frank");

        useUntil(frank, "signed out", r -> r.statusCode() == 302);
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(admin.get("/admin/audit?actor=frank&action=session.end").body()).contains("invalid_grant");
    }

    @Test
    void a_user_still_allowed_keeps_her_session_through_many_rechecks() {
        PortalClient alice = signIn("alice", "alice-pass-1");
        long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(alice.get("/dashboard").statusCode()).isEqualTo(200);
            io.berth.testing.Stacks.sleep(200);
        }
    }
}
