package io.berth.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback in front of a server that keeps every byte sent through it to that server. Put between
 * Berth and a backend, it proves that a request reached the backend not at all: not as a request whose answer the
 * proxy swallowed, not as a request smuggled inside another one's body.
 */
public final class RecordingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    public RecordingRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("relay-accept", this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** How many bytes have been sent to the server so far (a mark to compare with later). */
    public synchronized int receivedBytes() {
        return received.size();
    }

    /** What was sent to the server since {@code mark} (from {@link #receivedBytes()}), as ISO-8859-1 text. */
    public synchronized String receivedSince(int mark) {
        byte[] all = received.toByteArray();
        return new String(all, mark, all.length - mark, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(server);
                daemon("relay-to-server", () -> pump(client, server, true));
                daemon("relay-to-client", () -> pump(server, client, false));
            } catch (IOException e) {
                // closed, or the server refused: the client sees its connection drop
            }
        }
    }

    /** Copies until either side ends, then closes both (an HTTP client does not half-close). */
    private void pump(Socket from, Socket to, boolean record) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (record) {
                    synchronized (this) { // before forwarding: recorded before the server can answer
                        received.write(buffer, 0, n);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other direction closed the sockets, or a peer reset: the connection is over either way
        } finally {
            quietlyClose(from);
            quietlyClose(to);
        }
    }

    private void quietlyClose(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
