package io.berth.backend.engine;

import io.berth.backend.StackSpec.Health;
import io.berth.backend.StackSpec.ServiceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One attempt at a service's health check on its container address: {@code TCP} when the port accepts a connection,
 * {@code HTTP} when a GET of the path answers with a status below 500 (a 404 or a login redirect still shows a server
 * that is up), {@code NONE} always (a running container is enough). The HTTP check is a plain socket request, so no
 * client pool or thread outlives it, with short timeouts: a server that is still starting is asked again soon.
 * {@link #attempt} also tells a refused connection apart: the container's network stack answered, so it still runs.
 */
public record HealthCheck(Health.Kind kind, int port, String path, int timeoutSeconds) {
    private static final int CONNECT_TIMEOUT_MILLIS = 200;
    private static final int READ_TIMEOUT_MILLIS = 2000;
    private static final int MAX_STATUS_LINE = 512;

    /** The service's check; a missing health falls back to TCP on the service port (NONE without one). */
    public static HealthCheck of(ServiceSpec service) {
        Health health = service.health() != null ? service.health() : Health.tcp(service.port(), 0);
        int port = health.port() > 0 ? health.port() : service.port();
        Health.Kind kind = port > 0 ? health.kind() : Health.Kind.NONE;
        String path = health.path() == null || health.path().isEmpty() ? "/" : health.path();
        return new HealthCheck(kind, port, path.startsWith("/") ? path : "/" + path, health.timeoutSeconds());
    }

    /** What is waited for, for progress messages: "tcp port 8080", "http GET /api on port 8080", "running". */
    public String describe() {
        return switch (kind) {
            case TCP -> "tcp port " + port;
            case HTTP -> "http GET " + path + " on port " + port;
            case NONE -> "running";
        };
    }

    /** Why the deadline passed, in a sentence's middle: "did not answer on port 8080". */
    public String failure() {
        return switch (kind) {
            case TCP -> "did not answer on port " + port;
            case HTTP -> "did not answer GET " + path + " on port " + port + " with a status below 500";
            case NONE -> "did not join its network";
        };
    }

    /** How one attempt went. */
    public enum Outcome {
        /** The check passed. */
        PASSED,
        /**
         * The address refused the connection: a network stack answered there, so the container runs, its server is
         * just not listening yet (a stopped container's address does not answer at all).
         */
        REFUSED,
        /** Anything else: no answer in time, no route, a status of 500 or more, not HTTP. */
        FAILED
    }

    public boolean passes(String ip) {
        return attempt(ip) == Outcome.PASSED;
    }

    /** One attempt of the check on {@code ip}. */
    public Outcome attempt(String ip) {
        return switch (kind) {
            case TCP -> accepts(ip, port);
            case HTTP -> answers(ip, port, path);
            case NONE -> Outcome.PASSED;
        };
    }

    private static Outcome accepts(String ip, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, port), CONNECT_TIMEOUT_MILLIS);
            return Outcome.PASSED;
        } catch (ConnectException e) {
            return Outcome.REFUSED;
        } catch (IOException e) {
            return Outcome.FAILED;
        }
    }

    private static Outcome answers(String ip, int port, String path) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(ip, port), CONNECT_TIMEOUT_MILLIS);
            } catch (ConnectException e) {
                return Outcome.REFUSED;
            }
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            String request = "GET " + safe(path) + " HTTP/1.1\r\nHost: " + ip + ":" + port
                    + "\r\nUser-Agent: berth-health\r\nAccept: */*\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int status = status(socket.getInputStream());
            return status >= 100 && status < 500 ? Outcome.PASSED : Outcome.FAILED;
        } catch (IOException e) {
            return Outcome.FAILED;
        }
    }

    /** The status code of the response's first line ("HTTP/1.1 200 OK"), or -1 when it is not HTTP. */
    private static int status(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\n' && line.length() < MAX_STATUS_LINE; b = in.read()) {
            line.append((char) b);
        }
        String[] words = line.toString().strip().split(" ", 3);
        if (words.length < 2 || !words[0].startsWith("HTTP/") || !words[1].matches("[0-9]{3}")) {
            return -1;
        }
        return Integer.parseInt(words[1]);
    }

    /** The path with spaces, control and non-ASCII bytes percent-encoded, so it cannot break the request line. */
    private static String safe(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                out.append('%').append(String.format("%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
