package io.berth.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client for tests (the JDK's): whole messages, pongs and the close frame arrive in one queue, in order.
 */
public final class WsClient implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);

    public record Closed(int code, String reason) { }

    private record Pong(String data) { }

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private WebSocket socket;

    private final boolean reads;

    private WsClient(boolean reads) {
        this.reads = reads;
    }

    public static WsClient open(String url, String cookie, String... subprotocols) throws Exception {
        return openFrom(url, cookie, null, subprotocols);
    }

    /** Opens as a browser page of {@code origin} would (null: as a script, without {@code Origin}). */
    public static WsClient openFrom(String url, String cookie, String origin, String... subprotocols)
            throws Exception {
        return open(url, cookie, origin, true, subprotocols);
    }

    /** Opens a client that never reads what arrives (a stalled browser tab). */
    public static WsClient openNotReading(String url, String cookie) throws Exception {
        return open(url, cookie, null, false);
    }

    private static WsClient open(String url, String cookie, String origin, boolean reads, String... subprotocols)
            throws Exception {
        WsClient client = new WsClient(reads);
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        if (cookie != null && !cookie.isEmpty()) {
            builder.header("Cookie", cookie);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = builder.buildAsync(URI.create(url), client.new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    /** The HTTP status with which the handshake is refused (fails the test if it is accepted). */
    public static int refusal(String url, String cookie) {
        return refusal(url, cookie, null);
    }

    public static int refusal(String url, String cookie, String origin) {
        try (WsClient accepted = openFrom(url, cookie, origin)) {
            throw new AssertionError("the WebSocket to " + url + " was accepted");
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(ByteBuffer data) {
        socket.sendBinary(data, true).join();
    }

    /** Sends unless the send cannot complete within {@code limit} (the connection pushes back); says which. */
    public boolean sendBinaryWithin(ByteBuffer data, Duration limit) throws Exception {
        try {
            socket.sendBinary(data, true).get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    public void ping(String data) {
        socket.sendPing(ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8))).join();
    }

    public String nextText() throws InterruptedException {
        return (String) next(String.class);
    }

    public byte[] nextBinary() throws InterruptedException {
        return (byte[]) next(byte[].class);
    }

    public String nextPong() throws InterruptedException {
        return ((Pong) next(Pong.class)).data();
    }

    public Closed closed() throws InterruptedException {
        return (Closed) next(Closed.class);
    }

    private Object next(Class<?> kind) throws InterruptedException {
        Object item = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (item == null) {
            throw new AssertionError("nothing arrived within " + WAIT);
        }
        if (item instanceof Throwable t) {
            throw new AssertionError("the WebSocket failed", t);
        }
        if (!kind.isInstance(item)) {
            throw new AssertionError("expected " + kind.getSimpleName() + ", got " + item);
        }
        return item;
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        if (socket != null) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket ws) {
            if (reads) {
                ws.request(1);
            }
        }

        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            received.add(new Pong(StandardCharsets.UTF_8.decode(message).toString()));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            received.add(new Closed(code, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            received.add(error);
        }
    }
}
