package io.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host-routed services ({@code route: host}): the login handed from the portal by a one-time ticket, a host-only
 * cookie valid on that one host, and none of Berth's cookies reaching the service. Requests name the service host
 * in their {@code Host} header and go to 127.0.0.1, as a browser resolving {@code *.localhost} does.
 */
class HostRoutingTest {
    private static final String BOARDS = """
            name: boards
            title: Two apps that want a host of their own
            services:
              web:
                image: berth/demo:latest
                expose: [{http: 8080, route: host}]
              board:
                image: berth/demo:latest
                expose: [{http: 8080, route: host}]
            """;

    private static LoopbackPortal portal;
    private static BerthInstance berth;
    private static PortalClient alice;
    private static PortalClient bob;
    private static String webHost;
    private static String boardHost;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal("boards.yaml", BOARDS, "boards");
        berth = portal.berth;
        alice = portal.alice;
        bob = portal.bob;
        int port = URI.create(berth.url()).getPort();
        webHost = "web--lab--alice.localhost:" + port;
        boardHost = "board--lab--alice.localhost:" + port;
    }

    @AfterAll
    static void stop() throws Exception {
        if (portal != null) {
            portal.close();
        }
    }

    /** The ticket URL the portal sends alice to for a service, checked to point at that service's host. */
    private static URI ticket(PortalClient who, String service, String next) {
        HttpResponse<String> r = who.get("/hosts/open/alice/lab/" + service + "?next=" + next);
        assertThat(r.statusCode()).isEqualTo(302);
        URI to = URI.create(r.headers().firstValue("Location").orElseThrow());
        assertThat(to.getHost()).isEqualTo(service + "--lab--alice.localhost");
        assertThat(to.getPath()).isEqualTo("/_berth/enter");
        return to;
    }

    private static RawHttp.Answer enter(URI ticket) {
        return RawHttp.get(berth.url(), ticket.getRawPath() + "?" + ticket.getRawQuery(),
                "Host: " + ticket.getHost() + ":" + ticket.getPort());
    }

    private static String hostCookie(RawHttp.Answer entered) {
        String set = entered.header("Set-Cookie");
        assertThat(set).startsWith("berth_host=").contains("HttpOnly").contains("Path=/").doesNotContainIgnoringCase("domain");
        return set.substring(0, set.indexOf(';'));
    }

    @Test
    void a_host_routed_service_keeps_its_origin_wide_headers_for_its_own_origin() {
        String cookie = hostCookie(enter(ticket(alice, "web", "/")));
        RawHttp.Answer page = RawHttp.get(berth.url(), "/respond?h=Service-Worker-Allowed%3A%20%2F"
                + "&h=Clear-Site-Data%3A%20%22cache%22", "Host: " + webHost, "Cookie: " + cookie);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Service-Worker-Allowed")).isEqualTo("/");
        assertThat(page.header("Clear-Site-Data")).isEqualTo("\"cache\"");
        assertThat(page.header("Content-Security-Policy")).as("the portal's policy is not the service's").isNull();
    }

    @Test
    void the_owner_enters_with_a_ticket_and_the_service_sees_no_berth_cookie() {
        RawHttp.Answer entered = enter(ticket(alice, "web", "/runs%3Fpage%3D2"));
        assertThat(entered.status()).isEqualTo(302);
        assertThat(entered.header("Location")).isEqualTo("/runs?page=2");
        String cookie = hostCookie(entered);

        RawHttp.Answer page = RawHttp.get(berth.url(), "/runs?page=2", "Host: " + webHost,
                "Cookie: " + cookie + "; " + alice.cookieHeader() + "; app=1");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).startsWith("GET /runs?page=2\n").contains("cookie: app=1\n")
                .doesNotContain("berth_host", "berth_session", "x-forwarded-prefix");
    }

    @Test
    void a_ticket_works_once_and_only_on_its_own_host() {
        URI t = ticket(alice, "web", "/");
        assertThat(enter(t).status()).isEqualTo(302);
        assertThat(enter(t).status()).isEqualTo(403);

        URI forWeb = ticket(alice, "web", "/");
        RawHttp.Answer onBoard = RawHttp.get(berth.url(), forWeb.getRawPath() + "?" + forWeb.getRawQuery(),
                "Host: " + boardHost);
        assertThat(onBoard.status()).isEqualTo(403);
        assertThat(onBoard.header("Set-Cookie")).isNull();
    }

    @Test
    void a_host_cookie_is_valid_only_on_its_own_host() {
        String webCookie = hostCookie(enter(ticket(alice, "web", "/")));
        RawHttp.Answer onBoard = RawHttp.get(berth.url(), "/", "Host: " + boardHost, "Cookie: " + webCookie);
        assertThat(onBoard.status()).isEqualTo(401);
        // nor is it a portal session
        RawHttp.Answer onPortal = RawHttp.get(berth.url(), "/dashboard",
                "Cookie: berth_session=" + webCookie.substring("berth_host=".length()), "Accept: text/html");
        assertThat(onPortal.status()).isEqualTo(302);
        assertThat(onPortal.header("Location")).startsWith("/login");
        // and the portal's own cookie does not open a service host
        RawHttp.Answer portalCookieOnHost = RawHttp.get(berth.url(), "/", "Host: " + webHost,
                "Cookie: berth_host=" + alice.cookieHeader().replace("berth_session=", ""));
        assertThat(portalCookieOnHost.status()).isEqualTo(401);
    }

    @Test
    void others_and_anonymous_visitors_are_sent_away_without_learning_anything() {
        assertThat(bob.get("/hosts/open/alice/lab/web?next=/").statusCode()).isEqualTo(404);
        assertThat(bob.get("/hosts/open/alice/nothing/web?next=/").statusCode()).isEqualTo(404);
        RawHttp.Answer browser = RawHttp.get(berth.url(), "/x?y=1", "Host: " + webHost, "Accept: text/html");
        assertThat(browser.status()).isEqualTo(302);
        assertThat(browser.header("Location"))
                .isEqualTo(berth.url() + "/hosts/open/alice/lab/web?next=%2Fx%3Fy%3D1");
        RawHttp.Answer api = RawHttp.get(berth.url(), "/api", "Host: " + webHost);
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.body()).doesNotStartWith("GET");
    }

    @Test
    void a_host_routed_service_is_not_served_under_the_portals_paths() {
        assertThat(alice.get("/user/alice/lab/web/").statusCode()).isEqualTo(404);
    }

    @Test
    void redirects_after_entering_stay_on_the_service_host() {
        for (String next : new String[] {"//evil.example/", "https://evil.example/", "/\\evil.example"}) {
            URI t = ticket(alice, "web", java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(enter(t).header("Location")).isEqualTo("/");
        }
    }

    @Test
    void logging_out_of_the_portal_ends_the_service_host_sessions() {
        PortalClient carol = new PortalClient(berth.url()).login("alice", "alice-password");
        URI t = ticket(carol, "web", "/");
        String cookie = hostCookie(enter(t));
        assertThat(RawHttp.get(berth.url(), "/", "Host: " + webHost, "Cookie: " + cookie).status()).isEqualTo(200);
        carol.get("/dashboard");
        carol.post("/logout", Map.of());
        assertThat(RawHttp.get(berth.url(), "/", "Host: " + webHost, "Cookie: " + cookie).status()).isEqualTo(401);
    }
}
