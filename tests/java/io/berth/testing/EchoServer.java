package io.berth.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A small real backend on loopback for the proxy's tests: it answers any path, so one server plays every service.
 * <ul>
 * <li>{@code …/ws}: WebSocket echo of text and binary messages (up to 16 MiB); accepts the first offered subprotocol
 * of {@code v1.kernel.websocket.jupyter.org} or {@code echo}; answers the handshake with {@link #CREDENTIALS}; the text {@code close:<code>:<reason>} makes it close
 * with that code and reason.</li>
 * <li>{@code …/sse?n=N&gap=MS}: N server-sent events, one every MS milliseconds, each flushed.</li>
 * <li>{@code …/upload} (POST): reads the body and answers its length in bytes.</li>
 * <li>{@code …/download?bytes=N}: N bytes of {@code 'x'}, streamed in 64 KiB writes.</li>
 * <li>{@code …/set-cookie?v=<Set-Cookie value>}: answers with that Set-Cookie header.</li>
 * <li>{@code …/respond?h=<Name: value>&h=…}: answers with those headers (and the echo below).</li>
 * <li>anything else: {@code method path} on the first line, then the request headers as {@code name: value}.</li>
 * </ul>
 */
public final class EchoServer implements AutoCloseable {
    /** Header on every plain HTTP answer of this server: a response that has it came from here. */
    public static final String REACHED = "X-Echo-Reached";
    /** Header on a WebSocket handshake's answer: the credential headers the handshake reached this server with. */
    public static final String CREDENTIALS = "X-Echo-Credentials";
    public static final List<String> SUBPROTOCOLS = List.of("v1.kernel.websocket.jupyter.org", "echo");

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    public EchoServer() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(16 << 20);
            container.setMaxBinaryMessageSize(16 << 20);
            container.addMapping("^.*/ws$", (rq, rs, cb) -> {
                // what the handshake carried in credential headers, for tests that prove Berth strips them
                String seen = rq.getHeaders().stream().filter(f -> f.getName().toLowerCase().contains("authorization")
                        || f.getValue().contains("berth_")).map(HttpField::toString).collect(
                        java.util.stream.Collectors.joining(" | "));
                rs.getHeaders().put(CREDENTIALS, seen.isEmpty() ? "none" : seen);
                rq.getSubProtocols().stream().filter(SUBPROTOCOLS::contains).findFirst()
                        .ifPresent(rs::setAcceptedSubProtocol);
                return new Echo();
            });
        });
        ws.setHandler(new Plain());
        server.setHandler(ws);
        server.start();
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /**
     * The WebSocket side: echoes every message back as it came, and reads the next one only when the echo is sent
     * (so a client that does not read stops this server reading, as a real service under backpressure would).
     * Public: Jetty requires it.
     */
    public static final class Echo implements Session.Listener {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.demand();
        }

        @Override
        public void onWebSocketText(String message) {
            if (message.startsWith("close:")) {
                String[] parts = message.split(":", 3);
                session.close(Integer.parseInt(parts[1]), parts[2], org.eclipse.jetty.websocket.api.Callback.NOOP);
            } else {
                session.sendText(message, next());
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, next());
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            session.sendPong(payload, next());
        }

        private org.eclipse.jetty.websocket.api.Callback next() {
            return org.eclipse.jetty.websocket.api.Callback.from(session::demand, x -> session.close());
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            if (session != null) {
                session.close(StatusCode.SERVER_ERROR, "echo failed", org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }
    }

    private static final class Plain extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            response.getHeaders().put(REACHED, "yes"); // proof, for attack tests, that a request got here
            Fields query = Request.extractQueryParameters(request);
            if (path.endsWith("/sse")) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
                int n = query.getValue("n") == null ? 3 : Integer.parseInt(query.getValue("n"));
                long gap = query.getValue("gap") == null ? 200 : Long.parseLong(query.getValue("gap"));
                new Thread(() -> sse(response, callback, n, gap), "echo-sse").start();
                return true;
            }
            if (path.endsWith("/upload")) {
                long total = 0;
                try (var in = Content.Source.asInputStream(request)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int r; (r = in.read(buffer)) >= 0; ) {
                        total += r;
                    }
                }
                Content.Sink.write(response, true, Long.toString(total), callback);
                return true;
            }
            if (path.endsWith("/download")) {
                long bytes = Long.parseLong(query.getValue("bytes"));
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes);
                try (var out = Content.Sink.asOutputStream(response)) {
                    byte[] chunk = new byte[1 << 16];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    for (long left = bytes; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, (int) Math.min(left, chunk.length));
                    }
                }
                callback.succeeded();
                return true;
            }
            if (path.endsWith("/set-cookie")) {
                response.getHeaders().add(HttpHeader.SET_COOKIE, query.getValue("v"));
            }
            if (path.endsWith("/respond") && query.getValues("h") != null) {
                for (String header : query.getValues("h")) {
                    int colon = header.indexOf(':');
                    response.getHeaders().add(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
                }
            }
            StringBuilder body = new StringBuilder(request.getMethod()).append(' ')
                    .append(request.getHttpURI().getPathQuery()).append('\n');
            for (HttpField field : request.getHeaders()) {
                body.append(field.getName().toLowerCase()).append(": ").append(field.getValue()).append('\n');
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            Content.Sink.write(response, true, body.toString(), callback);
            return true;
        }

        private static void sse(Response response, Callback callback, int n, long gap) {
            try {
                for (int i = 0; i < n; i++) {
                    Callback.Completable sent = new Callback.Completable();
                    response.write(i == n - 1, ByteBuffer.wrap(("id: " + i + "\ndata: event " + i + "\n\n")
                            .getBytes(StandardCharsets.UTF_8)), sent);
                    sent.get();
                    if (i < n - 1) {
                        Thread.sleep(gap);
                    }
                }
                callback.succeeded();
            } catch (Exception e) {
                callback.failed(e);
            }
        }
    }
}
