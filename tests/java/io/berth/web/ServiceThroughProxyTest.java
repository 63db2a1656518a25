package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static io.berth.testing.Stacks.waitUntil;

/**
 * The walking skeleton on real parts: a real Docker engine, real containers of the locally built demo image, the
 * real portal over HTTP. Each test uses its own stack name; the instance and its containers go away at the end.
 */
class ServiceThroughProxyTest {
    private static BerthInstance berth;
    private static PortalClient admin;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("echo.yaml", """
                name: echo
                title: Header echo
                services:
                  web:
                    image: berth/demo:latest
                    command: [nc, -ll, -p, "8080", -e, /echo-headers]
                    expose: [{http: 8080}]
                """);
        berth.start();
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", Map.of("username", "bob", "password", "bob-password-1"));
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void a_launched_demo_stack_becomes_ready_and_serves_its_page_through_the_proxy() {
        launch(admin, "demo", "hello");
        assertThat(waitForState(admin, "/stacks/admin/hello", "READY", Duration.ofSeconds(20))).isEqualTo("READY");

        HttpResponse<String> page = admin.get("/user/admin/hello/web/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello from a Berth stack");
        assertThat(admin.get("/user/admin/hello/web").headers().firstValue("Location"))
                .hasValue("/user/admin/hello/web/");
    }

    @Test
    void another_user_is_refused_and_an_anonymous_browser_is_sent_to_log_in_and_back() {
        launch(admin, "demo", "private");
        waitForState(admin, "/stacks/admin/private", "READY", Duration.ofSeconds(20));

        PortalClient bob = new PortalClient(berth.url()).login("bob", "bob-password-1");
        HttpResponse<String> refused = bob.get("/user/admin/private/web/");
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.body()).doesNotContain("Hello from a Berth stack");
        assertThat(bob.get("/stacks/admin/private").statusCode()).isEqualTo(404);

        PortalClient anonymous = new PortalClient(berth.url());
        HttpResponse<String> redirected = anonymous.get("/user/admin/private/web/?x=1");
        assertThat(redirected.statusCode()).isEqualTo(302);
        String location = redirected.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/login?next=");
        assertThat(java.net.URLDecoder.decode(location.substring("/login?next=".length()),
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("/user/admin/private/web/?x=1");
        assertThat(anonymous.getJson("/user/admin/private/web/").statusCode()).isEqualTo(401);
    }

    @Test
    void a_hostile_path_cannot_climb_out_of_the_route() {
        PortalClient bob = new PortalClient(berth.url()).login("bob", "bob-password-1");
        launch(bob, "demo", "mine");
        waitForState(bob, "/stacks/bob/mine", "READY", Duration.ofSeconds(20));
        launch(admin, "demo", "secret");
        waitForState(admin, "/stacks/admin/secret", "READY", Duration.ofSeconds(20));

        for (String path : new String[] {
                "/user/bob/mine/web/%2e%2e/%2e%2e/%2e%2e/admin/secret/web/",
                "/user/bob/mine/web/..%2f..%2f..%2fadmin/secret/web/",
                "/user/bob/mine/web%2f..%2f..%2f..%2fadmin/secret/web/",
                "/user/bob/mine/web/../../../admin/secret/web/"}) {
            HttpResponse<String> r = bob.get(path);
            assertThat(r.body()).as(path).doesNotContain("Hello from a Berth stack");
            assertThat(r.statusCode()).as(path).isIn(400, 403, 404);
        }
    }

    @Test
    void the_portal_session_cookie_never_reaches_the_service() {
        launch(admin, "echo", "echo");
        waitForState(admin, "/stacks/admin/echo", "READY", Duration.ofSeconds(20));

        HttpResponse<String> echoed = admin.get("/user/admin/echo/web/some/path?q=1");
        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).startsWith("GET /user/admin/echo/web/some/path?q=1 HTTP/1.1");
        assertThat(echoed.body()).doesNotContainIgnoringCase("berth_session");
    }

    @Test
    void stopping_removes_the_containers_and_the_route_answers_not_running() {
        launch(admin, "demo", "brief");
        waitForState(admin, "/stacks/admin/brief", "READY", Duration.ofSeconds(20));
        assertThat(TestDocker.containers(berth.run)).anyMatch(n -> n.contains("--brief--"));

        admin.get("/stacks/admin/brief");
        assertThat(admin.post("/stacks/admin/brief/stop", Map.of()).statusCode()).isEqualTo(302);
        assertThat(waitForState(admin, "/stacks/admin/brief", "STOPPED", Duration.ofSeconds(15))).isEqualTo("STOPPED");
        assertThat(TestDocker.containers(berth.run)).noneMatch(n -> n.contains("--brief--"));
        assertThat(admin.get("/user/admin/brief/web/").statusCode()).isEqualTo(503);

        admin.get("/stacks/admin/brief");
        admin.post("/stacks/admin/brief/delete", Map.of());
        waitUntil(() -> admin.get("/stacks/admin/brief").statusCode() == 404, Duration.ofSeconds(10));
        assertThat(TestDocker.networks(berth.run)).noneMatch(n -> n.endsWith("--brief"));
    }

    @Test
    void a_missing_image_fails_the_stack_within_five_seconds_naming_the_image() {
        long began = System.nanoTime();
        launch(admin, "ghost", "ghost");
        String state = waitForState(admin, "/stacks/admin/ghost", "FAILED", Duration.ofSeconds(5));
        assertThat(state).isEqualTo("FAILED");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        assertThat(admin.get("/stacks/admin/ghost").body())
                .contains("berth/no-such-image:1.0").contains("no registry");
    }

    @Test
    void the_catalog_says_which_image_is_missing_and_offers_no_launch_for_it() {
        String catalog = admin.get("/catalog").body();
        String ghost = catalog.substring(catalog.indexOf("id=\"template-ghost\""));
        ghost = ghost.substring(0, ghost.indexOf("</article>"));
        assertThat(ghost).contains("berth/no-such-image:1.0").contains("needs a registry or a local build").contains("disabled");
        String demo = catalog.substring(catalog.indexOf("id=\"template-demo\""));
        assertThat(demo.substring(0, demo.indexOf("</article>"))).doesNotContain("disabled");
    }

    @Test
    void a_form_without_the_csrf_token_changes_nothing() {
        HttpResponse<String> r = admin.post("/stacks", Map.of("template", "demo", "name", "forged", "_csrf", "wrong"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(admin.get("/stacks/admin/forged").statusCode()).isEqualTo(404);
    }
}
