package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on configured but its provider down, with passwords reserved to admins: users get a clear page, the
 * break-glass admin still gets in. And the session cookie's hardening over HTTPS.
 */
class SsoWithoutProviderTest {
    private static BerthInstance berth;

    @BeforeAll
    static void start() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        berth = new BerthInstance();
        BerthConfig c = berth.config();
        c.auth.oidc.issuer = "http://127.0.0.1:" + deadPort + "/realms/berth";
        c.auth.oidc.clientSecret = "irrelevant";
        c.auth.oidc.displayName = "Keycloak";
        c.auth.local.enabled = false;
        berth.startOnLoopback(c, 9);
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    @Test
    void the_login_page_offers_single_sign_on_and_keeps_a_password_form_for_admins() {
        String page = new PortalClient(berth.url()).get("/login?next=/catalog").body();
        assertThat(page).contains("Sign in with Keycloak").contains("href=\"/login/oidc?next=%2Fcatalog\"")
                .contains("Administrator login").contains("id=\"password\"");
    }

    @Test
    void an_unreachable_provider_gets_a_clear_page_and_the_admin_still_logs_in() {
        PortalClient user = new PortalClient(berth.url());
        HttpResponse<String> sso = user.get("/login/oidc");
        assertThat(sso.statusCode()).isEqualTo(503);
        assertThat(sso.body()).contains("The sign-in service (Keycloak) cannot be reached right now")
                .contains("administrators can still log in").doesNotContain("Exception");

        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(admin.get("/dashboard").body()).contains("<span id=\"whoami\">admin</span>");
    }

    @Test
    void users_cannot_use_a_password_when_local_accounts_are_off() {
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        assertThat(admin.post("/admin/users", Map.of("username", "eve", "password", "eve-password-1"))
                .statusCode()).isEqualTo(302);

        PortalClient eve = new PortalClient(berth.url());
        eve.get("/login");
        HttpResponse<String> r = eve.post("/login", Map.of("username", "eve", "password", "eve-password-1"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("Log in with Keycloak instead");
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void over_https_the_session_cookie_is_host_prefixed_and_secure() throws Exception {
        try (BerthInstance https = new BerthInstance()) {
            BerthConfig c = https.config();
            c.auth.secureCookies = true;
            https.startOnLoopback(c, 9);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(https.url() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + BerthInstance.ADMIN_PASSWORD))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith("__Host-berth_session=").contains("; Path=/").contains("; Secure")
                    .contains("; HttpOnly").contains("; SameSite=Lax").doesNotContainIgnoringCase("domain");

            String pair = cookie.substring(0, cookie.indexOf(';'));
            HttpResponse<String> dashboard = http.send(HttpRequest.newBuilder(URI.create(https.url() + "/dashboard"))
                    .header("Cookie", pair).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(dashboard.statusCode()).isEqualTo(200);
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(https.url() + "/dashboard"))
                    .header("Cookie", pair.replace("__Host-", "")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).as("the unprefixed name is not accepted over HTTPS").isEqualTo(302);
        }
    }
}
