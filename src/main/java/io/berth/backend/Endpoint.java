package io.berth.backend;

import java.util.Map;

/**
 * Where a started service is reached: {@code host}/{@code port} on the stack's network for the proxy, and
 * {@code published} (container port → host port) for the TCP ports published to clients outside Berth, at
 * {@code publishedHost} (a node of a cluster other than Berth's own; null: the portal's {@code server.public_host}).
 */
public record Endpoint(String service, String host, int port, Map<Integer, Integer> published, String publishedHost) {
    public Endpoint(String service, String host, int port, Map<Integer, Integer> published) {
        this(service, host, port, published, null);
    }

    public Endpoint(String service, String host, int port) {
        this(service, host, port, Map.of());
    }
}
