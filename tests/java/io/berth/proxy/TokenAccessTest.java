package io.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients without a browser (an MLflow client on a compute node with {@code MLFLOW_TRACKING_TOKEN}) reach a
 * service with a Berth API token made on the tokens page: checked on every request, stripped before forwarding.
 */
class TokenAccessTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LoopbackPortal portal;
    private static BerthInstance berth;
    private static PortalClient alice;
    private static PortalClient bob;
    private static String service;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal(null, null, "demo");
        berth = portal.berth;
        alice = portal.alice;
        bob = portal.bob;
        service = berth.url() + "/user/alice/lab/web/api/2.0/mlflow/experiments/list";
    }

    @AfterAll
    static void stop() throws Exception {
        if (portal != null) {
            portal.close();
        }
    }

    static String token(PortalClient who, String name, String scope) {
        return who.createToken(name, scope);
    }

    private static HttpResponse<String> call(String authorization) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(service)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_token_with_the_access_scope_opens_the_owners_service_and_is_not_forwarded() throws Exception {
        String secret = token(alice, "mlflow client", "access");
        assertThat(secret).startsWith("berth_").hasSize(49);
        HttpResponse<String> r = call("Bearer " + secret);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("GET /user/alice/lab/web/api/2.0/mlflow/experiments/list")
                .doesNotContainIgnoringCase("authorization").doesNotContain(secret);
        assertThat(alice.get("/tokens").body()).contains("mlflow client").doesNotContain(secret);
    }

    @Test
    void a_services_own_authorization_header_is_removed_too() {
        // the proxy cannot tell a service's credential from a visitor's Berth token in a scheme it does not know
        var r = RawHttp.get(berth.url(), "/user/alice/lab/web/basic", "Cookie: " + alice.cookieHeader(),
                "Authorization: Basic YWxpY2U6c2VjcmV0");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("GET /user/alice/lab/web/basic").doesNotContainIgnoringCase("authorization");
    }

    /** One way of sending the token: the header lines, and the status the proxy must answer. */
    private record Variant(String name, int status, String... lines) { }

    @Test
    void a_berth_token_reaches_the_service_in_no_form_it_is_sent() {
        String secret = token(alice, "every form", "access");
        String cookie = "Cookie: " + alice.cookieHeader();
        List<Variant> variants = List.of(
                new Variant("two spaces after Bearer", 401, "Authorization: Bearer  " + secret),
                new Variant("two spaces after Bearer, beside a session", 200, cookie, "Authorization: Bearer  " + secret),
                new Variant("the token scheme", 401, "Authorization: token " + secret),
                new Variant("the token scheme, beside a session", 200, cookie, "Authorization: token " + secret),
                new Variant("Basic, then a second Authorization with the token", 400,
                        "Authorization: Basic YWxpY2U6eA==", "Authorization: Bearer " + secret),
                new Variant("the token, then a second Authorization with Basic", 400,
                        "Authorization: Bearer " + secret, "Authorization: Basic YWxpY2U6eA=="),
                new Variant("Basic, then the token, beside a session", 200, cookie,
                        "Authorization: Basic YWxpY2U6eA==", "Authorization: Bearer " + secret),
                new Variant("a lower-case scheme", 200, "Authorization: bearer " + secret),
                new Variant("a lower-case header name and scheme", 200, "authorization: bearer " + secret),
                new Variant("an upper-case header name", 200, "AUTHORIZATION: Bearer " + secret),
                new Variant("text after the token", 401, "Authorization: Bearer " + secret + " x"),
                new Variant("a tab after the scheme", 401, "Authorization: Bearer\t" + secret),
                new Variant("two tokens in one header", 401, "Authorization: Bearer " + secret + ", Bearer " + secret),
                new Variant("Proxy-Authorization alone", 401, "Proxy-Authorization: Bearer " + secret),
                new Variant("Proxy-Authorization beside a session", 200, cookie, "Proxy-Authorization: Bearer " + secret),
                new Variant("Proxy-Authorization beside the token", 200, "Authorization: Bearer " + secret,
                        "Proxy-Authorization: Bearer " + secret));
        for (Variant v : variants) {
            RawHttp.Answer r = RawHttp.get(berth.url(), "/user/alice/lab/web/echo", v.lines());
            assertThat(r.status()).as(v.name()).isEqualTo(v.status());
            assertThat(r.raw()).as(v.name()).doesNotContain(secret);
            if (v.status() == 200) {
                assertThat(r.body()).as(v.name()).startsWith("GET /user/alice/lab/web/echo")
                        .doesNotContainIgnoringCase("authorization").doesNotContain("berth_");
            } else {
                assertThat(r.header(EchoServer.REACHED)).as(v.name()).isNull();
            }
        }
    }

    @Test
    void a_berth_token_reaches_no_service_through_a_websocket_handshake() {
        String secret = token(alice, "websocket", "access");
        for (String credentials : List.of("Cookie: " + alice.cookieHeader() + "\r\nAuthorization: token " + secret,
                "Authorization: Bearer " + secret + "\r\nProxy-Authorization: Bearer " + secret)) {
            String handshake = "GET /user/alice/lab/web/ws HTTP/1.1\r\nHost: " + URI.create(berth.url()).getAuthority()
                    + "\r\n" + credentials + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            RawHttp.Answer r = RawHttp.send(berth.url(), handshake.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.header(EchoServer.CREDENTIALS)).isEqualTo("none");
        }
    }

    @Test
    void tokens_that_must_not_open_the_service_are_refused() throws Exception {
        String readOnly = token(alice, "read only", "read");
        HttpResponse<String> scope = call("Bearer " + readOnly);
        assertThat(scope.statusCode()).isEqualTo(403);
        assertThat(scope.body()).contains("insufficient_scope");

        String bobs = token(bob, "bob access", "access");
        assertThat(call("Bearer " + bobs).statusCode()).isEqualTo(404);

        HttpResponse<String> forged = call("Bearer berth_" + "x".repeat(43));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"berth\"");
        assertThat(call(null).statusCode()).isEqualTo(401);
        assertThat(call("Bearer " + alice.cookieHeader().replace("berth_session=", "")).statusCode()).isEqualTo(401);
    }

    @Test
    void a_revoked_token_is_refused_at_once_and_only_its_owner_may_revoke_it() throws Exception {
        String secret = token(alice, "to revoke", "access");
        assertThat(call("Bearer " + secret).statusCode()).isEqualTo(200);
        String page = alice.get("/tokens").body();
        Matcher id = Pattern.compile("<td class=\"token-name\">to revoke</td>.*?action=\"/tokens/(\\d+)/revoke\"",
                Pattern.DOTALL).matcher(page);
        assertThat(id.find()).isTrue();
        assertThat(alice.post("/tokens/" + id.group(1) + "/revoke", Map.of()).statusCode()).isEqualTo(302);
        assertThat(call("Bearer " + secret).statusCode()).isEqualTo(401);
        // and nobody revokes another's token
        assertThat(bob.post("/tokens/" + id.group(1) + "/revoke", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void a_token_form_with_mistakes_says_which_field_and_a_user_gets_no_admin_token() {
        alice.get("/tokens");
        HttpResponse<String> r = alice.post("/tokens", Map.of("name", "x", "scope", "root", "expires_days", "1"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("data-field=\"scopes\"", "Unknown scope");
        HttpResponse<String> admin = alice.post("/tokens", Map.of("name", "y", "scope", "admin", "expires_days", "1"));
        assertThat(admin.statusCode()).isEqualTo(403);
    }
}
