package io.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import io.berth.testing.Stacks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code proxy.path_routing}: by default no service shares the portal's origin, whatever its template asks; a site
 * may allow paths for templates it marks trusted, or for all; and a change of policy moves a stack only when it is
 * started again, never under a running one.
 */
class PathRoutingTest {
    private static final String WANTS_PATH = """
            name: wants-path
            services:
              web:
                image: berth/demo:latest
                expose: [{http: 8080, route: path}]
            """;
    private static final String CURATED = """
            name: curated
            trusted: true
            services:
              web:
                image: berth/demo:latest
                expose: [{http: 8080, route: path}]
            """;
    private EchoServer echo;
    private BerthInstance berth;

    @BeforeEach
    void catalog() throws Exception {
        echo = new EchoServer();
        berth = new BerthInstance();
        berth.template("wants-path.yaml", WANTS_PATH);
        berth.template("curated.yaml", CURATED);
    }

    @AfterEach
    void stop() throws Exception {
        berth.close();
        echo.close();
    }

    private PortalClient start(String pathRouting) {
        BerthConfig c = berth.config();
        c.proxy.pathRouting = pathRouting;
        berth.startOnLoopback(c, echo.port());
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
        return new PortalClient(berth.url()).login("alice", "alice-password");
    }

    private static void launch(PortalClient alice, String template, String name) {
        Stacks.launch(alice, template, name);
        assertThat(Stacks.waitForState(alice, "/stacks/alice/" + name, "READY", Duration.ofSeconds(30)))
                .isEqualTo("READY");
    }

    private String hostLink(String stack) {
        return "http://web--" + stack + "--alice.localhost:" + java.net.URI.create(berth.url()).getPort() + "/";
    }

    @Test
    void by_default_a_template_that_asks_for_a_path_is_served_on_a_host_of_its_own() {
        BerthConfig defaults = new BerthConfig();
        assertThat(defaults.proxy.pathRouting).isEqualTo("off");
        PortalClient alice = start(defaults.proxy.pathRouting);
        launch(alice, "wants-path", "lab");
        launch(alice, "curated", "cur");

        var notServed = alice.get("/user/alice/lab/web/");
        assertThat(notServed.statusCode()).isEqualTo(404);
        assertThat(notServed.headers().firstValue("Content-Security-Policy")).as("the proxy's own page")
                .hasValueSatisfying(csp -> assertThat(csp).startsWith("default-src 'none'"));
        assertThat(notServed.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(alice.get("/user/alice/cur/web/").statusCode()).as("trusted or not: off is off").isEqualTo(404);
        assertThat(alice.get("/stacks/alice/lab").body()).contains(hostLink("lab"))
                .doesNotContain("href=\"/user/alice/lab/web/\"");
        String token = alice.createToken("reader", "read");
        assertThat(RawHttp.get(berth.url(), "/api/v1/stacks/alice/lab", "Authorization: Bearer " + token).body())
                .contains("/hosts/open/alice/lab/web?next=").doesNotContain("/user/alice/lab/web/");
    }

    @Test
    void trusted_templates_keep_their_paths_and_the_others_get_hosts() {
        PortalClient alice = start("trusted-templates");
        launch(alice, "wants-path", "lab");
        launch(alice, "curated", "cur");

        assertThat(alice.get("/user/alice/cur/web/").statusCode()).isEqualTo(200);
        assertThat(alice.get("/user/alice/lab/web/").statusCode()).isEqualTo(404);
        assertThat(alice.get("/stacks/alice/lab").body()).contains(hostLink("lab"));
    }

    @Test
    void a_stack_keeps_its_path_while_it_runs_and_moves_to_a_host_when_started_again() {
        PortalClient alice = start("all");
        launch(alice, "wants-path", "lab");
        assertThat(alice.get("/user/alice/lab/web/").statusCode()).isEqualTo(200);
        berth.stop();

        alice = start("off"); // the site turns path routing off and restarts Berth
        assertThat(alice.get("/user/alice/lab/web/").statusCode()).as("running: its URL stays").isEqualTo(200);

        alice.post("/stacks/alice/lab/stop", Map.of());
        assertThat(Stacks.waitForState(alice, "/stacks/alice/lab", "STOPPED", Duration.ofSeconds(30)))
                .isEqualTo("STOPPED");
        alice.post("/stacks/alice/lab/start", Map.of());
        assertThat(Stacks.waitForState(alice, "/stacks/alice/lab", "READY", Duration.ofSeconds(30)))
                .isEqualTo("READY");
        assertThat(alice.get("/user/alice/lab/web/").statusCode()).isEqualTo(404);
        String page = alice.get("/stacks/alice/lab").body();
        assertThat(page).contains(hostLink("lab")).contains("web on a host of its own");
    }

    @Test
    void an_owner_whose_name_is_too_long_for_a_host_label_gets_one_by_account_id() {
        PortalClient alice = start("off");
        String longName = "firstname.lastname@physik.uni-heidelberg.example.org"; // 48 characters escaped twice
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        assertThat(admin.post("/admin/users", Map.of("username", longName, "password", "long-password"))
                .statusCode()).isEqualTo(302);
        PortalClient user = new PortalClient(berth.url()).login(longName, "long-password");
        Stacks.launch(user, "wants-path", "lab");
        assertThat(Stacks.waitForState(user, "/stacks/" + longName + "/lab", "READY", Duration.ofSeconds(30)))
                .isEqualTo("READY");

        String page = user.get("/stacks/" + longName + "/lab").body();
        java.util.regex.Matcher host = java.util.regex.Pattern.compile("http://(web--lab---id\\d+)\\.localhost:\\d+/")
                .matcher(page);
        assertThat(host.find()).as(page).isTrue();
        assertThat(host.group(1)).hasSizeLessThanOrEqualTo(63);
        String token = user.createToken("access", "access");
        String hostHeader = "Host: " + host.group(1) + ".localhost:" + java.net.URI.create(berth.url()).getPort();
        assertThat(RawHttp.get(berth.url(), "/runs", hostHeader, "Authorization: Bearer " + token).status())
                .isEqualTo(200);
        String aliceToken = alice.createToken("access", "access");
        assertThat(RawHttp.get(berth.url(), "/runs", hostHeader, "Authorization: Bearer " + aliceToken).status())
                .as("another user: the same answer as for nothing there").isEqualTo(404);
        String otherId = hostHeader.replaceAll("---id(\\d+)", "---id999");
        assertThat(RawHttp.get(berth.url(), "/runs", otherId, "Authorization: Bearer " + token).status())
                .isEqualTo(404);
    }

    @Test
    void an_unknown_policy_stops_berth_naming_the_key() {
        BerthConfig c = berth.config();
        c.proxy.pathRouting = "sometimes";
        assertThatThrownBy(() -> berth.startOnLoopback(c, echo.port())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("proxy.path_routing is \"sometimes\"");
    }
}
