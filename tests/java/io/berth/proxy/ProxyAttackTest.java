package io.berth.proxy;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.proxy.HostileRequests.Attack;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import io.berth.testing.RecordingRelay;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy as the boundary between users. Only alice owns a stack here, and every service points at one echo
 * server behind a {@link RecordingRelay}: a byte reaching the relay, or an echo answer, on behalf of bob or of an
 * anonymous client is a breach. Alice's own requests do reach her service, and show what crosses the proxy.
 */
class ProxyAttackTest {
    private static final String SERVICE = HostileRequests.ALICE;
    private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404, 405, 414, 431);

    private static EchoServer echo;
    private static RecordingRelay backend;
    private static BerthInstance berth;
    private static PortalClient alice;
    private static String aliceSession;
    private static String bobSession;

    @BeforeAll
    static void start() throws Exception {
        echo = new EchoServer();
        backend = new RecordingRelay(echo.port());
        berth = new BerthInstance();
        berth.startOnLoopback(berth.config(), backend.port());
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password-1"));
        admin.post("/admin/users", Map.of("username", "bob", "password", "bob-password-1"));
        alice = new PortalClient(berth.url()).login("alice", "alice-password-1");
        aliceSession = session(alice);
        bobSession = session(new PortalClient(berth.url()).login("bob", "bob-password-1"));
        launch(alice, "demo", "lab");
        assertThat(waitForState(alice, "/stacks/alice/lab", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    static Stream<Arguments> attacks() {
        return HostileRequests.all().stream().flatMap(a -> Stream.of(Arguments.of("bob", a), Arguments.of("anonymous", a)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacks")
    void bob_and_anonymous_clients_never_reach_alices_service(String caller, Attack attack) {
        int mark = backend.receivedBytes();
        RawHttp.Answer answer = RawHttp.send(berth.url(), fill(attack.raw(), caller).getBytes(StandardCharsets.UTF_8));
        String seen = caller + " / " + attack + "; answer: " + answer.raw().substring(0, Math.min(600, answer.raw().length()));
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(backend.receivedSince(mark)).as(caller + " / " + attack + ": bytes that reached the backend").isEmpty();
            soft.assertThat(answer.raw()).as(seen + ": the echo's mark in any answer").doesNotContainIgnoringCase(EchoServer.REACHED);
            Set<Integer> allowed = new HashSet<>(REFUSALS);
            allowed.addAll(attack.alsoAllowed());
            allowed.add(302);
            soft.assertThat(answer.status()).as("status; " + seen).isIn(allowed);
            if (answer.status() == 302) { // to the portal's own login page, or its home for a logged-in caller
                soft.assertThat(answer.header("Location")).as("redirect; " + seen)
                        .satisfiesAnyOf(l -> assertThat(l).startsWith("/login?next="), l -> assertThat(l).isEqualTo("/dashboard"));
            }
        });
    }

    @Test
    void there_are_at_least_forty_distinct_attacks() {
        assertThat(HostileRequests.all()).hasSizeGreaterThanOrEqualTo(40)
                .extracting(Attack::name).doesNotHaveDuplicates();
        assertThat(HostileRequests.all()).extracting(Attack::raw).doesNotHaveDuplicates();
    }

    @Test
    void bob_is_logged_in_so_his_refusals_are_about_access_and_alice_does_reach_her_service() {
        assertThat(RawHttp.get(berth.url(), SERVICE, "Cookie: berth_session=" + bobSession).status()).isEqualTo(404);
        int mark = backend.receivedBytes();
        RawHttp.Answer answer = asAlice(SERVICE);
        assertThat(answer.header(EchoServer.REACHED)).isEqualTo("yes"); // so the checks above can tell refused from broken
        assertThat(backend.receivedSince(mark)).startsWith("GET " + SERVICE + " HTTP/1.1");
    }

    @Test
    void another_users_service_answers_exactly_as_a_missing_one() {
        for (String accept : List.of("Accept: text/html", "Accept: application/json")) {
            RawHttp.Answer others = RawHttp.get(berth.url(), SERVICE, "Cookie: berth_session=" + bobSession, accept);
            RawHttp.Answer missing = RawHttp.get(berth.url(), SERVICE.replace("/lab/", "/no-such-stack/"),
                    "Cookie: berth_session=" + bobSession, accept);
            assertThat(others.status()).as(accept).isEqualTo(404);
            assertThat(others.body()).as(accept).isEqualTo(missing.body());
            assertThat(withoutDate(others.headers())).as(accept).isEqualTo(withoutDate(missing.headers()));
        }
    }

    @Test
    void a_path_routed_service_cannot_send_headers_that_act_on_the_whole_origin() {
        String query = ORIGIN_WIDE.stream().map(h -> "h=" + java.net.URLEncoder.encode(h + ": x",
                java.nio.charset.StandardCharsets.UTF_8)).collect(java.util.stream.Collectors.joining("&"))
                + "&h=X-Own-Header%3A%20kept";
        RawHttp.Answer answer = asAlice(SERVICE + "respond?" + query);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("X-Own-Header")).isEqualTo("kept");
        for (String header : ORIGIN_WIDE) {
            assertThat(answer.header(header)).as(header).isNull();
        }
    }

    /** Headers that would act on the portal's whole origin; a host-routed service keeps them (HostRoutingTest). */
    static final List<String> ORIGIN_WIDE = List.of("Service-Worker-Allowed", "Clear-Site-Data",
            "Strict-Transport-Security", "NEL", "Report-To", "Alt-Svc", "clear-site-data");

    private static java.util.Map<String, String> withoutDate(java.util.Map<String, String> headers) {
        java.util.Map<String, String> copy = new java.util.TreeMap<>(headers);
        copy.remove("date");
        return copy;
    }

    static Stream<Arguments> aliceCookies() {
        return Stream.of(
                Arguments.of("session first", List.of("Cookie: berth_session={alice}; app=1")),
                Arguments.of("session last", List.of("Cookie: app=1; berth_session={alice}")),
                Arguments.of("two Cookie headers", List.of("Cookie: app=1", "Cookie: berth_session={alice}")),
                Arguments.of("the session again under other spellings", List.of(
                        "Cookie: berth_session={alice}; Berth_Session={alice}; app=1; __Host-berth_session={alice}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aliceCookies")
    void alices_session_never_reaches_her_service_and_her_other_cookies_do(String shape, List<String> cookieLines) {
        List<String> lines = cookieLines.stream().map(l -> fill(l, "alice")).toList();
        RawHttp.Answer answer = RawHttp.get(berth.url(), SERVICE + "cookies", lines.toArray(String[]::new));
        assertThat(answer.header(EchoServer.REACHED)).as(answer.raw()).isEqualTo("yes");
        assertThat(answer.body()).doesNotContain(aliceSession).doesNotContainIgnoringCase("berth_session");
        assertThat(echoed(answer, "cookie")).containsExactly("app=1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"berth_session=evil; Path=/", "Berth_Session=evil; Path=/", "berth_session=evil",
        "__Host-berth_session=evil; Path=/; Secure", "__Secure-berth_session=evil; Secure", "berth_host=evil; Path=/"})
    void a_service_cannot_set_berths_own_cookies(String setCookie) {
        assertThat(setCookieFromService(setCookie)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"app=1; Path=/", "app=2", "app=3; HttpOnly", "app=4; Path=/user/bob/x/web/",
        "app=5; Path=/user/alice/lab/web/../../../bob/", "app=6; Path=/user/alice/lab/web/%2e%2e/%2e%2e/",
        "app=7; Path=/user/alice/lab", "app=8; Path=/user/alice/lab/webx", "app=9; Path=",
        "app=10; Path=/; Path=/user/alice/lab/web/", "app=11; Path=/user/alice/lab/web/; Path=/"})
    void a_service_cookie_is_confined_to_the_services_path(String setCookie) {
        for (String cookie : setCookieFromService(setCookie)) {
            assertThat(cookie).startsWith(setCookie.split(";")[0] + ";");
            List<String> paths = attributes(cookie, "path");
            assertThat(paths).as(cookie).hasSize(1);
            assertThat(paths.get(0)).as(cookie).startsWith(SERVICE).doesNotContain("..", "%", "\\");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"app=1; Domain=127.0.0.1", "app=2; domain=.localhost; Path=/user/alice/lab/web/",
        "app=3; DOMAIN=localhost; Path=/", "app=4;Domain=127.0.0.1;Secure"})
    void a_service_cookie_loses_its_domain(String setCookie) {
        List<String> cookies = setCookieFromService(setCookie);
        assertThat(cookies).hasSize(1);
        assertThat(attributes(cookies.get(0), "domain")).as(cookies.get(0)).isEmpty();
        assertThat(attributes(cookies.get(0), "path")).as(cookies.get(0)).containsExactly(SERVICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"=novalue", "novalue", "a b=1", "a,b=1", "\"app\"=1", "; Path=/", "="})
    void an_unparseable_service_cookie_is_dropped(String setCookie) {
        assertThat(setCookieFromService(setCookie)).isEmpty();
    }

    @Test
    void hop_by_hop_headers_the_client_sends_stop_at_the_proxy() {
        RawHttp.Answer answer = asAlice(SERVICE + "hops", "Connection: X-Secret, Keep-Alive, close", "X-Secret: 1",
                "Keep-Alive: timeout=5", "Proxy-Authorization: Basic YWxpY2U6c2VjcmV0", "Proxy-Connection: keep-alive",
                "TE: trailers", "X-Kept: 1");
        assertThat(answer.header(EchoServer.REACHED)).as(answer.raw()).isEqualTo("yes");
        assertThat(echoed(answer, "x-kept")).containsExactly("1");
        for (String hop : List.of("x-secret", "keep-alive", "proxy-authorization", "proxy-connection", "te")) {
            assertThat(echoed(answer, hop)).as(hop + " at the service; " + answer.body()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none sent", "spoofed by the client"})
    void berth_sets_the_forwarded_headers_and_trusts_none_from_the_client(String clientSends) {
        List<String> spoof = clientSends.equals("none sent") ? List.of() : List.of("X-Forwarded-For: 6.6.6.6",
                "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example", "X-Forwarded-Prefix: /user/bob/x/web",
                "X-Forwarded-Port: 666", "X-Real-IP: 6.6.6.6", "Forwarded: for=6.6.6.6;host=evil.example;proto=https");
        RawHttp.Answer answer = asAlice(SERVICE + "forwarded", spoof.toArray(String[]::new));
        assertThat(answer.header(EchoServer.REACHED)).as(answer.raw()).isEqualTo("yes");
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(echoed(answer, "x-forwarded-for")).as("X-Forwarded-For").containsExactly("127.0.0.1");
            soft.assertThat(echoed(answer, "x-forwarded-proto")).as("X-Forwarded-Proto").containsExactly("http");
            soft.assertThat(echoed(answer, "x-forwarded-host")).as("X-Forwarded-Host")
                    .containsExactly("127.0.0.1:" + URI.create(berth.url()).getPort());
            soft.assertThat(echoed(answer, "x-forwarded-prefix")).as("X-Forwarded-Prefix")
                    .containsExactly("/user/alice/lab/web");
            soft.assertThat(echoed(answer, "x-forwarded-port")).as("X-Forwarded-Port").doesNotContain("666");
            soft.assertThat(answer.body()).as("the client's values at the service")
                    .doesNotContain("6.6.6.6", "evil.example", "/user/bob");
        });
    }

    /** The request with its placeholders filled in for {@code caller}: bob, anonymous or alice. */
    private static String fill(String raw, String caller) {
        String session = switch (caller) {
            case "bob" -> bobSession;
            case "alice" -> aliceSession;
            default -> "U".repeat(43); // well-formed, known to nobody
        };
        return raw.replace("{host}", "127.0.0.1:" + URI.create(berth.url()).getPort())
                .replace("{port}", Integer.toString(URI.create(berth.url()).getPort()))
                .replace("{backend}", Integer.toString(backend.port()))
                .replace("{cookie}", caller.equals("anonymous") ? "" : "Cookie: berth_session=" + session + "\r\n")
                .replace("{session}", session)
                .replace("{alice}", aliceSession);
    }

    private static RawHttp.Answer asAlice(String target, String... headerLines) {
        List<String> lines = new ArrayList<>(List.of("Cookie: berth_session=" + aliceSession));
        lines.addAll(List.of(headerLines));
        return RawHttp.get(berth.url(), target, lines.toArray(String[]::new));
    }

    /** The Set-Cookie headers the browser gets when alice's service answers with {@code value}. */
    private static List<String> setCookieFromService(String value) {
        RawHttp.Answer answer = asAlice(SERVICE + "set-cookie?v=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        assertThat(answer.header(EchoServer.REACHED)).as(answer.raw()).isEqualTo("yes");
        return answer.headerValues("Set-Cookie");
    }

    /** The values of a request header as the echo server saw it (its body lists them as {@code name: value}). */
    private static List<String> echoed(RawHttp.Answer answer, String name) {
        return answer.body().lines().skip(1).filter(l -> l.startsWith(name + ": "))
                .map(l -> l.substring(name.length() + 2)).toList();
    }

    /** The values of a Set-Cookie attribute, by case-insensitive name. */
    private static List<String> attributes(String setCookie, String name) {
        return Stream.of(setCookie.split(";")).skip(1).map(String::trim)
                .filter(a -> a.split("=", 2)[0].trim().toLowerCase(Locale.ROOT).equals(name))
                .map(a -> a.contains("=") ? a.split("=", 2)[1].trim() : "").toList();
    }

    private static String session(PortalClient client) {
        return Stream.of(client.cookieHeader().split(";\\s*")).filter(c -> c.startsWith("berth_session="))
                .map(c -> c.substring("berth_session=".length())).findFirst().orElseThrow();
    }
}
