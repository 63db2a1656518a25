package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.PortalClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every GET route the portal serves (read from the running server, so a new page is walked without editing this
 * test), as a user and as an admin, carries the portal's security headers; its pages hold no inline script or style;
 * a proxied service's answer carries none of them.
 */
class SecurityHeadersTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final Map<String, String> VALUES = Map.of("owner", "alice", "name", "lab", "stack", "lab",
            "service", "web", "id", "1", "kind", "user", "subject", "bob", "username", "alice", "group", "lqcd");
    /** Inline script or style: a script element without src, an on…= handler, a style attribute, javascript: links. */
    private static final Pattern INLINE = Pattern.compile(
            "<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=|\\sstyle\\s*=|javascript:", Pattern.CASE_INSENSITIVE);

    private static LoopbackPortal portal;
    private static PortalClient admin;
    private static String aliceToken;
    private static String adminToken;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal(null, null, "demo");
        admin = new PortalClient(portal.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        aliceToken = portal.alice.createToken("walker", "read launch access tokens");
        adminToken = admin.createToken("walker", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (portal != null) {
            portal.close();
        }
    }

    private record Seen(String what, int status, HttpResponse<InputStream> answer, String html) { }

    @Test
    void every_get_route_answers_with_the_portals_security_headers_as_a_user_and_as_an_admin() throws Exception {
        List<String> paths = portal.berth.routes().stream().filter(r -> r.startsWith("GET "))
                .map(r -> fill(r.substring(4))).distinct().toList();
        assertThat(paths).as("routes to walk").hasSizeGreaterThan(25).contains("/dashboard", "/admin/users", "/tokens");
        List<Seen> seen = new ArrayList<>();
        for (String path : paths) {
            seen.add(fetch(path, "alice", portal.alice.cookieHeader(), aliceToken));
            seen.add(fetch(path, "admin", admin.cookieHeader(), adminToken));
        }
        seen.add(fetch("/login", "anonymous", null, null));
        seen.add(fetch("/no/such/page", "alice", portal.alice.cookieHeader(), aliceToken));

        SoftAssertions soft = new SoftAssertions();
        int pages = 0;
        for (Seen s : seen) {
            var h = s.answer().headers();
            String csp = h.firstValue("Content-Security-Policy").orElse("");
            soft.assertThat(csp).as(s.what() + " CSP").contains("script-src 'self'", "style-src 'self'",
                    "frame-ancestors 'none'", "object-src 'none'").doesNotContain("unsafe");
            soft.assertThat(h.firstValue("X-Frame-Options")).as(s.what()).hasValue("DENY");
            soft.assertThat(h.firstValue("X-Content-Type-Options")).as(s.what()).hasValue("nosniff");
            soft.assertThat(h.firstValue("Referrer-Policy")).as(s.what()).hasValue("same-origin");
            // the public keys of identity assertions may be cached a minute (JwksEndpointTest); nothing else
            soft.assertThat(h.firstValue("Cache-Control")).as(s.what())
                    .hasValue(s.what().startsWith("GET " + JwksPage.PATH + " ") ? "public, max-age=60" : "no-store");
            soft.assertThat(h.firstValue("Strict-Transport-Security")).as(s.what() + ": plain HTTP").isEmpty();
            if (s.html() != null) {
                pages++;
                Matcher inline = INLINE.matcher(s.html());
                soft.assertThat(inline.find() ? inline.group() : null).as(s.what() + " inline script or style").isNull();
            }
        }
        soft.assertThat(pages).as("HTML pages read").isGreaterThan(15);
        soft.assertThat(seen.stream().filter(s -> s.status() == 200).count()).as("answers that are not refusals")
                .isGreaterThan(30);
        soft.assertAll();
    }

    @Test
    void static_files_carry_the_headers_but_may_be_cached() throws Exception {
        Seen js = fetch("/static/berth.js", "anonymous", null, null);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.answer().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(js.answer().headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(js.answer().headers().firstValue("Cache-Control").orElse("")).doesNotContain("no-store");
    }

    @Test
    void a_proxied_service_answer_carries_none_of_the_portals_headers() throws Exception {
        Seen service = fetch("/user/alice/lab/web/", "alice", portal.alice.cookieHeader(), null);
        assertThat(service.status()).isEqualTo(200);
        assertThat(service.answer().headers().firstValue("X-Echo-Reached")).hasValue("yes");
        assertThat(service.answer().headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(service.answer().headers().firstValue("X-Frame-Options")).isEmpty();
    }

    @Test
    void another_users_event_streams_answer_404_exactly_as_a_missing_stacks() throws Exception {
        String bobToken = portal.bob.createToken("streams", "read");
        for (String stream : List.of("/stacks/alice/lab/progress", "/stacks/alice/lab/logs/web/stream",
                "/api/v1/stacks/alice/lab/progress", "/api/v1/stacks/alice/lab/logs/web/stream")) {
            HttpRequest.Builder others = HttpRequest.newBuilder(URI.create(portal.url() + stream))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream");
            HttpRequest.Builder missing = HttpRequest.newBuilder(URI.create(portal.url()
                    + stream.replace("/lab/", "/no-such-stack/"))).timeout(Duration.ofSeconds(10))
                    .header("Accept", "text/event-stream");
            for (HttpRequest.Builder r : List.of(others, missing)) {
                if (stream.startsWith("/api/")) {
                    r.header("Authorization", "Bearer " + bobToken);
                } else {
                    r.header("Cookie", portal.bob.cookieHeader());
                }
            }
            HttpResponse<String> a = HTTP.send(others.build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> b = HTTP.send(missing.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(a.statusCode()).as(stream).isEqualTo(404);
            assertThat(a.body()).as(stream).isEqualTo(b.body());
            assertThat(a.headers().firstValue("Content-Type")).as(stream).isEqualTo(b.headers().firstValue("Content-Type"));
        }
    }

    private static String fill(String route) {
        Matcher m = PARAM.matcher(route);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, VALUES.getOrDefault(m.group(1), "x"));
        }
        return m.appendTail(out).toString();
    }

    /** One GET: the session cookie for pages, the token for the API; reads the body only when it is HTML. */
    private static Seen fetch(String path, String who, String cookie, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(portal.url() + path)).timeout(Duration.ofSeconds(20))
                .header("Accept", "text/html, application/json;q=0.9, text/event-stream;q=0.8, */*;q=0.5");
        if (path.startsWith("/api/") && token != null) {
            r.header("Authorization", "Bearer " + token);
        } else if (cookie != null) {
            r.header("Cookie", cookie);
        }
        HttpResponse<InputStream> answer = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        String html = null;
        try (InputStream body = answer.body()) {
            if (answer.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                html = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new Seen("GET " + path + " as " + who + " (" + answer.statusCode() + ")", answer.statusCode(), answer,
                html);
    }
}
