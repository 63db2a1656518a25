package io.berth.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A man in the middle between Berth and a real provider's token endpoint: it serves the provider's discovery
 * document with {@code token_endpoint} pointed at itself, passes token requests on, and in the answer rewrites the
 * id_token's claims (to {@code preferred_username: bob}) while keeping the provider's signature. A relying party that
 * checks signatures must refuse what comes back.
 */
public final class TamperingProvider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final String realIssuer;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile String realTokenEndpoint;

    public TamperingProvider(String realIssuer) throws IOException {
        this.realIssuer = realIssuer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The issuer URL to configure in Berth: this server, with the real provider's path. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + URI.create(realIssuer).getPath();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().endsWith("/.well-known/openid-configuration")) {
                ObjectNode doc = (ObjectNode) JSON.readTree(fetch(HttpRequest.newBuilder(
                        URI.create(realIssuer + "/.well-known/openid-configuration")).GET()).body());
                realTokenEndpoint = doc.get("token_endpoint").asText();
                doc.put("token_endpoint", "http://127.0.0.1:" + server.getAddress().getPort() + "/token");
                reply(exchange, 200, JSON.writeValueAsString(doc));
                return;
            }
            var forward = HttpRequest.newBuilder(URI.create(realTokenEndpoint))
                    .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                forward.header("Authorization", auth);
            }
            HttpResponse<String> answer = fetch(forward);
            ObjectNode tokens = (ObjectNode) JSON.readTree(answer.body());
            if (tokens.has("id_token")) {
                tokens.put("id_token", asBob(tokens.get("id_token").asText()));
            }
            reply(exchange, answer.statusCode(), JSON.writeValueAsString(tokens));
        }
    }

    private static String asBob(String jwt) throws IOException {
        String[] parts = jwt.split("\\.");
        ObjectNode claims = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        claims.put("preferred_username", "bob");
        parts[1] = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(claims));
        return String.join(".", parts);
    }

    private HttpResponse<String> fetch(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
