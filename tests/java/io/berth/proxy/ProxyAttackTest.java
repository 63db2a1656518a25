package io.berth.proxy;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests at the proxy: only alice owns a stack here and every service points at one echo server, so an
 * answer carrying {@link EchoServer#REACHED} to bob or to an anonymous client is a breach. Each case is sent raw
 * (no client library normalises it), once with bob's cookie and once with none.
 */
class ProxyAttackTest {
    private static EchoServer echo;
    private static BerthInstance berth;
    private static PortalClient alice;
    private static String bobCookie;
    private static String hostPort;

    @BeforeAll
    static void start() throws Exception {
        echo = new EchoServer();
        berth = new BerthInstance();
        berth.startOnLoopback(berth.config(), echo.port());
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
        admin.post("/admin/users", Map.of("username", "bob", "password", "bob-password"));
        alice = new PortalClient(berth.url()).login("alice", "alice-password");
        bobCookie = new PortalClient(berth.url()).login("bob", "bob-password").cookieHeader();
        launch(alice, "demo", "lab");
        waitForState(alice, "/stacks/alice/lab", "READY", Duration.ofSeconds(30));
        hostPort = "127.0.0.1:" + URI.create(berth.url()).getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    /** One hostile request: {@code %C} is replaced by the caller's Cookie line (or nothing), {@code %H} by host:port. */
    record Attack(String name, String raw) {
        byte[] bytes(String cookieLine) {
            return raw.replace("%C", cookieLine).replace("%H", hostPort).replace("%E", Integer.toString(echo.port()))
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Attack get(String name, String target, String... extra) {
        return new Attack(name, "GET " + target + " HTTP/1.1\r\nHost: %H\r\n%C" + String.join("", extra)
                + "Connection: close\r\n\r\n");
    }

    static List<Attack> attacks() {
        String alice = "/user/alice/lab/web/";
        List<Attack> all = new ArrayList<>(List.of(
                get("plain request for alice's service", alice),
                get("dot-dot from bob's prefix", "/user/bob/../alice/lab/web/"),
                get("dot-dot twice", "/user/x/../../user/alice/lab/web/"),
                get("encoded dot-dot", "/user/bob/%2e%2e/alice/lab/web/"),
                get("encoded dot-dot, mixed case", "/user/bob/%2E%2e/alice/lab/web/"),
                get("half-encoded dot-dot", "/user/bob/.%2e/alice/lab/web/"),
                get("encoded slash in a segment", "/user/alice%2flab/web/"),
                get("encoded slash, upper case", "/user%2Falice/lab/web/"),
                get("double-encoded dot-dot", "/user/bob/%252e%252e/alice/lab/web/"),
                get("double-encoded slash", "/user/alice%252flab%252fweb/"),
                get("leading double slash", "//user/alice/lab/web/"),
                get("inner double slash", "/user//alice/lab/web/"),
                get("jsessionid path parameter", "/user/alice;jsessionid=x/lab/web/"),
                get("path parameter on the prefix", "/user;x=y/alice/lab/web/"),
                get("path parameter on the stack", "/user/alice/lab;x/web/"),
                get("raw backslashes", "/user\\alice\\lab\\web\\"),
                get("encoded backslash", "/user/alice%5clab/web/"),
                get("upper-case prefix", "/USER/alice/lab/web/"),
                get("upper-case owner", "/user/ALICE/lab/web/"),
                get("capitalised owner", "/user/Alice/lab/web/"),
                get("overlong UTF-8 dots", "/user/bob/%c0%ae%c0%ae/alice/lab/web/"),
                get("one-dot leaders", "/user/bob/%e2%80%a4%e2%80%a4/alice/lab/web/"),
                get("fullwidth dots", "/user/bob/%ef%bc%8e%ef%bc%8e/alice/lab/web/"),
                get("overlong path", alice + "a".repeat(100_000)),
                get("encoded NUL", alice + "%00"),
                get("raw control character", alice + "\u0001"),
                get("absolute-form target", "http://%H" + alice),
                get("absolute-form target at the echo port (forward proxying)", "http://127.0.0.1:%E/"),
                get("service host name of alice's service", "/", "Host: web--lab--alice.localhost:%H\r\n"),
                get("Host names another site", alice, "X-Forwarded-Host: web--lab--alice.localhost\r\n"),
                get("X-Original-URL on a portal page", "/dashboard", "X-Original-URL: " + alice + "\r\n"),
                get("X-Rewrite-URL on a portal page", "/dashboard", "X-Rewrite-URL: " + alice + "\r\n"),
                get("X-Forwarded-Prefix pointing at alice", "/user/bob/x/web/", "X-Forwarded-Prefix: /user/alice/lab/web\r\n"),
                get("alice's path in the query", "/user/bob/x/web/?/user/alice/lab/web/"),
                get("fragment in the target", alice + "#x"),
                get("forged session cookie", alice, "Cookie: berth_session=" + "A".repeat(43) + "\r\n"),
                get("session cookie name in another case", alice, "Cookie: Berth_Session=" + "B".repeat(43) + "\r\n"),
                get("forged host cookie on the portal host", alice, "Cookie: berth_host=" + "C".repeat(43) + "\r\n"),
                get("forged API token", alice, "Authorization: Bearer berth_" + "D".repeat(43) + "\r\n"),
                get("WebSocket upgrade", alice + "ws", "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"),
                new Attack("OPTIONS", "OPTIONS " + alice + " HTTP/1.1\r\nHost: %H\r\n%CConnection: close\r\n\r\n"),
                new Attack("TRACE", "TRACE " + alice + " HTTP/1.1\r\nHost: %H\r\n%CConnection: close\r\n\r\n"),
                new Attack("CONNECT to the echo server", "CONNECT 127.0.0.1:%E HTTP/1.1\r\nHost: 127.0.0.1:%E\r\n%C"
                        + "Connection: close\r\n\r\n"),
                new Attack("no Host header", "GET " + alice + " HTTP/1.1\r\n%CConnection: close\r\n\r\n"),
                new Attack("two Host headers", "GET " + alice + " HTTP/1.1\r\nHost: %H\r\nHost: evil\r\n%C"
                        + "Connection: close\r\n\r\n"),
                new Attack("HTTP/1.0 without Host", "GET " + alice + " HTTP/1.0\r\n%C\r\n"),
                new Attack("pipelined behind a harmless request", "GET /healthz HTTP/1.1\r\nHost: %H\r\n\r\n"
                        + "GET " + alice + " HTTP/1.1\r\nHost: %H\r\n%CConnection: close\r\n\r\n")));
        String hidden = "GET " + alice + " HTTP/1.1\r\nHost: %H\r\n%C\r\n";
        String chunk = "0\r\n\r\n" + hidden;
        all.addAll(List.of(
                smuggle("Content-Length and chunked", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", chunk),
                smuggle("two different Content-Lengths", "Content-Length: 0\r\nContent-Length: " + hidden.length() + "\r\n", hidden),
                smuggle("chunked, identity", "Transfer-Encoding: chunked, identity\r\n", chunk),
                smuggle("xchunked", "Transfer-Encoding: xchunked\r\nContent-Length: 0\r\n", hidden),
                smuggle("obs-fold before Transfer-Encoding", "X: y\r\n Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", chunk),
                smuggle("space before the colon", "Transfer-Encoding : chunked\r\nContent-Length: 0\r\n", chunk)));
        return all;
    }

    private static Attack smuggle(String name, String framing, String body) {
        return new Attack("smuggling: " + name, "POST /healthz HTTP/1.1\r\nHost: %H\r\n" + framing + "\r\n" + body);
    }

    static Stream<Arguments> cases() {
        return attacks().stream().flatMap(a -> Stream.of(Arguments.of("bob", a), Arguments.of("anonymous", a)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void neverReachesAlicesService(String caller, Attack attack) {
        String cookieLine = caller.equals("bob") ? "Cookie: " + bobCookie + "\r\n" : "";
        RawHttp.Answer answer = RawHttp.send(berth.url(), attack.bytes(cookieLine));
        assertThat(answer.header(EchoServer.REACHED)).as("reached the service").isNull();
        assertThat(answer.body().toLowerCase(Locale.ROOT)).as("a later answer reached the service")
                .doesNotContain(EchoServer.REACHED.toLowerCase(Locale.ROOT));
        assertThat(answer.status()).as("status").isIn(0, 200, 302, 400, 401, 403, 404, 405, 414, 431, 501);
        if (answer.status() == 200) { // only Berth's own pages answer 200 here, never as bob's or alice's service
            assertThat(answer.body()).doesNotStartWith("GET ");
        }
    }

    private static String setCookieFromService(String value) {
        String target = "/user/alice/lab/web/set-cookie?v=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
        return RawHttp.get(berth.url(), target, "Cookie: " + alice.cookieHeader()).header("Set-Cookie");
    }

    @Test
    void aServiceCannotSetCookiesForThePortalOrOutsideItsPrefix() {
        assertThat(setCookieFromService("berth_session=evil; Path=/")).isNull();
        assertThat(setCookieFromService("__Host-berth_session=evil; Path=/; Secure")).isNull();
        assertThat(setCookieFromService("berth_host=evil")).isNull();
        assertThat(setCookieFromService("=novalue")).isNull();
        assertThat(setCookieFromService("app=1; Path=/; HttpOnly")).isEqualTo("app=1; HttpOnly; Path=/user/alice/lab/web/");
        assertThat(setCookieFromService("app=2")).isEqualTo("app=2; Path=/user/alice/lab/web/");
        assertThat(setCookieFromService("app=3; Domain=127.0.0.1; Path=/user/alice/lab/web/x"))
                .isEqualTo("app=3; Path=/user/alice/lab/web/x");
        assertThat(setCookieFromService("app=4; Path=/user/alice/lab/web/../../bob/"))
                .isEqualTo("app=4; Path=/user/alice/lab/web/");
    }

    @Test
    void thereAreAtLeastFortyDistinctAttacks() {
        assertThat(attacks()).hasSizeGreaterThanOrEqualTo(40).extracting(Attack::name).doesNotHaveDuplicates();
    }

    @Test
    void theSameRequestFromAliceDoesReachHerService() {
        RawHttp.Answer answer = RawHttp.send(berth.url(), get("alice", "/user/alice/lab/web/")
                .bytes("Cookie: " + alice.cookieHeader() + "\r\n"));
        assertThat(answer.header(EchoServer.REACHED)).isEqualTo("yes"); // so a null above means refused, not broken
    }
}
