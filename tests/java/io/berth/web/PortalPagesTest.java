package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The portal's own pages: login, logout, cookies, redirects and errors as a browser meets them. */
class PortalPagesTest {
    private static BerthInstance berth;

    @BeforeAll
    static void start() throws Exception {
        berth = new BerthInstance().start();
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    @Test
    void the_session_cookie_is_http_only_and_same_site_lax() {
        PortalClient client = new PortalClient(berth.url());
        client.get("/login");
        HttpResponse<String> r = client.post("/login", Map.of("username", "admin", "password", BerthInstance.ADMIN_PASSWORD));
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("berth_session=").contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
    }

    @Test
    void a_wrong_password_shows_the_form_again_with_a_message() {
        PortalClient client = new PortalClient(berth.url());
        client.get("/login");
        HttpResponse<String> r = client.post("/login", Map.of("username", "admin", "password", "nope"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("Wrong user name or password.").contains("value=\"admin\"");
        assertThat(client.get("/dashboard").statusCode()).isEqualTo(302);
    }

    @Test
    void after_login_only_local_pages_are_followed() {
        for (String next : new String[] {"//evil.example/", "/\\evil.example", "https://evil.example/", "/catalog"}) {
            PortalClient client = new PortalClient(berth.url());
            client.get("/login");
            HttpResponse<String> r = client.post("/login",
                    Map.of("username", "admin", "password", BerthInstance.ADMIN_PASSWORD, "next", next));
            assertThat(r.headers().firstValue("Location").orElseThrow()).as(next)
                    .isEqualTo(next.equals("/catalog") ? "/catalog" : "/dashboard");
        }
    }

    @Test
    void logging_out_ends_the_session_on_the_server_too() {
        PortalClient client = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(client.get("/dashboard").statusCode()).isEqualTo(200);
        assertThat(client.post("/logout", Map.of()).statusCode()).isEqualTo(302);
        assertThat(client.get("/dashboard").statusCode()).isEqualTo(302);
    }

    @Test
    void an_unknown_page_is_a_404_page_for_browsers_and_json_for_clients() {
        PortalClient client = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        HttpResponse<String> page = client.get("/no/such/page");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("There is no such page.").contains("<html");
        HttpResponse<String> json = client.getJson("/no/such/page");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(json.body()).isEqualTo("{\"error\":\"not_found\",\"message\":\"There is no such page.\"}");
    }

    @Test
    void only_admins_see_the_user_pages_and_bad_names_are_refused_with_the_reason() {
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        HttpResponse<String> bad = admin.post("/admin/users", Map.of("username", "../root", "password", "long-enough-1"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("A user name is 1-64 characters");
        admin.post("/admin/users", Map.of("username", "carol", "password", "carol-password"));

        PortalClient carol = new PortalClient(berth.url()).login("carol", "carol-password");
        assertThat(carol.get("/admin/users").statusCode()).isEqualTo(404);
        assertThat(carol.get("/dashboard").body()).contains("You have no stacks yet");
    }
}
