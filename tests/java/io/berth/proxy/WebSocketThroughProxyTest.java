package io.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.PortalClient;
import io.berth.testing.WsClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSockets through the proxy to a real Jetty WebSocket server on loopback: the subprotocol the service picks,
 * text and binary messages of several MiB, ping/pong, the service's close code and reason, and who may connect.
 */
class WebSocketThroughProxyTest {
    private static LoopbackPortal portal;
    private static BerthInstance berth;
    private static PortalClient alice;
    private static PortalClient bob;
    private static String ws;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal(null, null, "demo");
        berth = portal.berth;
        alice = portal.alice;
        bob = portal.bob;
        ws = berth.url().replace("http:", "ws:") + "/user/alice/lab/web/api/kernels/k1/ws";
    }

    @AfterAll
    static void stop() throws Exception {
        if (portal != null) {
            portal.close();
        }
    }

    @Test
    void the_services_choice_of_subprotocol_reaches_the_browser() throws Exception {
        try (WsClient c = WsClient.open(ws, alice.cookieHeader(), "v2.unknown", EchoServer.SUBPROTOCOLS.get(0))) {
            assertThat(c.subprotocol()).isEqualTo("v1.kernel.websocket.jupyter.org");
            c.sendText("print(6*7)");
            assertThat(c.nextText()).isEqualTo("print(6*7)");
        }
    }

    @Test
    void text_and_binary_messages_of_several_megabytes_pass_unchanged() throws Exception {
        byte[] big = new byte[6 << 20];
        new Random(42).nextBytes(big);
        String text = "é".repeat(2 << 20); // 4 MiB of UTF-8
        try (WsClient c = WsClient.open(ws, alice.cookieHeader())) {
            c.sendBinary(ByteBuffer.wrap(big));
            c.sendText(text);
            assertThat(c.nextBinary()).isEqualTo(big);
            assertThat(c.nextText()).isEqualTo(text);
        }
    }

    @Test
    void pings_are_answered_and_close_codes_and_reasons_pass_through() throws Exception {
        try (WsClient c = WsClient.open(ws, alice.cookieHeader())) {
            c.ping("are you there");
            assertThat(c.nextPong()).isEqualTo("are you there");
            c.sendText("close:4001:kernel restarting");
            WsClient.Closed closed = c.closed();
            assertThat(closed.code()).isEqualTo(4001);
            assertThat(closed.reason()).isEqualTo("kernel restarting");
        }
    }

    @Test
    void many_messages_in_flight_arrive_in_order() throws Exception {
        try (WsClient c = WsClient.open(ws, alice.cookieHeader())) {
            for (int i = 0; i < 2000; i++) {
                c.sendText("m" + i);
            }
            for (int i = 0; i < 2000; i++) {
                assertThat(c.nextText()).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void a_page_of_another_site_cannot_open_the_owners_websocket_with_her_cookies() throws Exception {
        assertThat(WsClient.refusal(ws, alice.cookieHeader(), "http://evil.example")).isEqualTo(403);
        assertThat(WsClient.refusal(ws, alice.cookieHeader(), "null")).isEqualTo(403);
        try (WsClient c = WsClient.openFrom(ws, alice.cookieHeader(), berth.url())) { // the portal's own pages may
            c.sendText("same origin");
            assertThat(c.nextText()).isEqualTo("same origin");
        }
    }

    @Test
    void a_client_that_does_not_read_makes_the_service_wait_instead_of_berth_buffering() throws Exception {
        // The client sends 1 MiB messages and reads nothing; the echo answers each before reading the next. With
        // bounded buffers on the way (socket buffers, one 32 KiB buffer per direction in Berth), sends stall after
        // some tens of MiB; if Berth buffered the echoes without bound, all 256 would go through.
        ByteBuffer mib = ByteBuffer.allocate(1 << 20);
        int sent = 0;
        try (WsClient c = WsClient.openNotReading(ws, alice.cookieHeader())) {
            while (sent < 256 && c.sendBinaryWithin(mib.duplicate(), Duration.ofSeconds(3))) {
                sent++;
            }
        }
        assertThat(sent).as("MiB sent before the sender had to wait").isBetween(1, 127);
    }

    @Test
    void only_the_owner_may_open_a_websocket() {
        assertThat(WsClient.refusal(ws, bob.cookieHeader())).isEqualTo(404);
        assertThat(WsClient.refusal(ws, null)).isEqualTo(401);
        assertThat(WsClient.refusal(ws, "berth_session=" + "A".repeat(43))).isEqualTo(401);
    }
}
