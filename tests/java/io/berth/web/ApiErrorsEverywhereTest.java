package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every answer under /api/ is Berth's JSON error ({@code {"error","message"[,"field"]}}) with the right status,
 * whichever layer refuses the request: the web framework's body limit, Jetty's URI checks (which run before any
 * route), an unknown path, a wrong method. Pages get Berth's error page. Raw requests, so nothing is normalised on
 * the way.
 */
class ApiErrorsEverywhereTest {
    private static BerthInstance berth;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        berth = new BerthInstance();
        berth.startOnLoopback(berth.config(), 9);
        token = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD).createToken("errors", "read launch");
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    @Test
    void a_10_mb_body_under_the_api_gets_a_json_413() {
        byte[] body = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'a');
        byte[] head = ("POST /api/v1/stacks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        assertJson(RawHttp.send(berth.url(), request), 413);
    }

    @Test
    void ambiguous_and_nul_paths_under_the_api_get_a_json_400() {
        assertJson(RawHttp.get(berth.url(), "/api/v1/%2e%2e/stacks"), 400);
        assertJson(RawHttp.get(berth.url(), "/api/v1/stacks/a%00b"), 400);
        assertJson(RawHttp.get(berth.url(), "/api/v1/stacks/..%2fadmin"), 400);
    }

    @Test
    void an_unknown_api_path_gets_a_json_404_and_a_wrong_method_a_json_405() {
        assertJson(RawHttp.get(berth.url(), "/api/v1/nothing", "Accept: text/html", "Authorization: Bearer " + token), 404);
        RawHttp.Answer put = RawHttp.send(berth.url(), ("PUT /api/v1/stacks HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                + "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertJson(put, 405);
    }

    @Test
    void pages_get_the_error_page_for_the_same_refusals() {
        RawHttp.Answer ambiguous = RawHttp.get(berth.url(), "/stacks/%2e%2e/x", "Accept: text/html");
        assertThat(ambiguous.status()).isEqualTo(400);
        assertThat(ambiguous.header("Content-Type")).startsWith("text/html");
        assertThat(ambiguous.body()).contains("<title>400 · Berth</title>").doesNotContain("Powered by Jetty");
        RawHttp.Answer separator = RawHttp.get(berth.url(), "/stacks/admin/..%2fx", "Accept: text/html");
        assertThat(separator.status()).isEqualTo(400);
        assertThat(separator.body()).contains("400 · Berth");
        // A NUL is refused while the request is parsed: Jetty hands over neither path nor headers, so even a
        // browser gets the JSON shape (documented in EarlyErrors).
        assertJson(RawHttp.get(berth.url(), "/stacks/a%00b", "Accept: text/html"), 400);
    }

    private static void assertJson(RawHttp.Answer answer, int status) {
        assertThat(answer.status()).as(answer.raw().substring(0, Math.min(600, answer.raw().length())))
                .isEqualTo(status);
        assertThat(answer.header("Content-Type")).as(answer.raw()).startsWith("application/json");
        assertThat(answer.body()).as(answer.raw()).containsPattern("^\\{\"error\":\"[a-z_]+\",\"message\":\"[^\"]+\"");
    }
}
