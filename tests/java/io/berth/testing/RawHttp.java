package io.berth.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no client library would send as written: a chosen {@code Host}, odd
 * paths, conflicting headers, smuggled bodies. Reads until the server closes (or 5 s of silence), so everything the
 * server said, pipelined answers included, is in {@link Answer#raw()}.
 */
public final class RawHttp {
    private RawHttp() { }

    /**
     * The first answer: status (0 when none could be read), headers (last value of each, by lower-case name), body as
     * text; and {@code raw}, every byte received (ISO-8859-1), later answers included.
     */
    public record Answer(int status, Map<String, String> headers, String body, String raw) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Every value of a header of the first answer, in order ({@code Set-Cookie} comes once per cookie). */
        public List<String> headerValues(String name) {
            List<String> values = new ArrayList<>();
            int end = raw.indexOf("\r\n\r\n");
            String[] lines = raw.substring(0, end < 0 ? raw.length() : end).split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(lines[i].substring(colon + 1).trim());
                }
            }
            return values;
        }
    }

    /** {@code GET path} to the server at {@code base}, with the given header lines (a {@code Host} line replaces the default). */
    public static Answer get(String base, String path, String... headerLines) {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
        boolean hasHost = false;
        for (String line : headerLines) {
            hasHost |= line.regionMatches(true, 0, "Host:", 0, 5);
            request.append(line).append("\r\n");
        }
        if (!hasHost) {
            URI uri = URI.create(base);
            request.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        return send(base, request.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the bytes as they are and reads what comes back until the server closes or falls silent. */
    public static Answer send(String base, byte[] request) {
        return sendFrom(null, base, request);
    }

    /**
     * {@link #send} from a chosen local address ({@code 127.0.0.2}: Linux answers every 127.x address on
     * loopback), so one test can be several clients; null: any.
     */
    public static Answer sendFrom(String localAddress, String base, byte[] request) {
        URI uri = URI.create(base);
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new java.net.InetSocketAddress(localAddress, 0));
            }
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(5_000); // a server that keeps the connection open: what came so far is the answer
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server answered and closed before reading everything (a 414 for a huge path): read that answer
            }
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException("raw request to " + base + " failed", e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            // silence, or a reset after the answer (the server closed first): keep what arrived
        }
        return all.toByteArray();
    }

    private static Answer parse(byte[] bytes) {
        String raw = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Answer(0, Map.of(), raw, raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ");
        int status = statusLine.length > 1 && statusLine[1].matches("\\d{3}") ? Integer.parseInt(statusLine[1]) : 0;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        String body = new String(bytes, end + 4, bytes.length - end - 4, StandardCharsets.UTF_8);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(status, headers, body, raw);
    }

    /** The chunked body decoded; as it came when it is not well-formed chunking (the raw text is kept anyway). */
    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        try {
            while (at < body.length()) {
                int eol = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                out.append(body, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
        } catch (RuntimeException e) {
            return body;
        }
        return out.toString();
    }
}
