package io.berth.proxy;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpUpgrader;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Forwards a WebSocket handshake to the service with the proxy's HttpClient and, when the service answers 101,
 * joins the two connections into a {@link Tunnel}: Jetty's own HTTP/1.1 upgrade machinery on both sides
 * ({@link HttpUpgrader} on the client, {@link HttpStream#UPGRADE_CONNECTION_ATTRIBUTE} on the server), so the
 * service chooses the subprotocol and extensions and every frame passes unchanged. A service that refuses the
 * upgrade has its answer relayed as it is (up to 64 KiB).
 */
final class WebSocketUpgrade implements HttpUpgrader {
    private static final int MAX_REFUSAL = 64 * 1024;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final UnaryOperator<String> setCookieRule;
    private final Tunnel.Activity activity;
    /** Registers the tunnel once open (with who opened it); returns what to run when it closes. */
    private java.util.function.Function<Tunnel, Runnable> opened;
    private final long idleMillis;
    private final AtomicInteger open;
    private volatile boolean upgraded;

    private WebSocketUpgrade(Request request, Response response, Callback callback,
                             UnaryOperator<String> setCookieRule, Tunnel.Activity activity, long idleMillis,
                             AtomicInteger open) {
        this.open = open;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.setCookieRule = setCookieRule;
        this.activity = activity;
        this.idleMillis = idleMillis;
    }

    /** Whether the browser asks for a WebSocket (RFC 6455 handshake over HTTP/1.1). */
    static boolean requested(Request request) {
        var h = request.getHeaders();
        return HttpMethod.GET.is(request.getMethod()) && h.contains(HttpHeader.UPGRADE, "websocket")
                && h.contains(HttpHeader.CONNECTION, "upgrade");
    }

    /**
     * Whether a browser page of another origin opens this WebSocket (cross-site WebSocket hijacking: the browser
     * would send the user's cookies along). Browsers always send {@code Origin} on WebSockets; clients without one
     * (scripts, kernels' clients) are not browsers and carry their own credentials.
     */
    static boolean crossSite(Request request, String requestedHost) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return false;
        }
        try {
            java.net.URI uri = java.net.URI.create(origin);
            String authority = uri.getRawAuthority();
            return authority == null || requestedHost == null || !authority.equalsIgnoreCase(requestedHost);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /**
     * Sends the handshake; {@code toService} already carries the request's headers as the proxy filtered them
     * (hop-by-hop ones removed), so the upgrade headers are put back here.
     */
    static void forward(Request request, Response response, Callback callback,
                        org.eclipse.jetty.client.Request toService, UnaryOperator<String> setCookieRule,
                        Tunnel.Activity activity, long idleMillis, AtomicInteger open,
                        java.util.function.Function<Tunnel, Runnable> opened) {
        WebSocketUpgrade upgrade = new WebSocketUpgrade(request, response, callback, setCookieRule, activity, idleMillis,
                open);
        upgrade.opened = opened;
        toService.headers(h -> h.put(HttpHeader.UPGRADE, "websocket").put(HttpHeader.CONNECTION, "Upgrade"));
        toService.attribute(HttpUpgrader.Factory.class.getName(), (HttpUpgrader.Factory) version -> upgrade);
        toService.send(new BufferingResponseListener(MAX_REFUSAL) {
            @Override
            public void onComplete(Result result) {
                upgrade.notUpgraded(result, getContent());
            }
        });
    }

    @Override
    public void prepare(org.eclipse.jetty.client.Request request) {
        // the headers are set in forward(), before sending
    }

    @Override
    public void upgrade(org.eclipse.jetty.client.Response answer, EndPoint serviceEnd, Callback done) {
        EndPoint browserEnd = request.getConnectionMetaData().getConnection().getEndPoint();
        browserEnd.setIdleTimeout(idleMillis);
        serviceEnd.setIdleTimeout(idleMillis);
        Tunnel tunnel = new Tunnel(browserEnd, serviceEnd, request.getComponents().getExecutor(),
                request.getComponents().getByteBufferPool(), activity, open);
        tunnel.onClosed(opened.apply(tunnel));
        tunnel.attachBackend(serviceEnd);
        upgraded = true;
        response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
        copyHeaders(answer, true);
        // Jetty switches the browser's connection to the tunnel once the 101 is written
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, tunnel.clientConnection());
        done.succeeded();
        callback.succeeded();
    }

    private void notUpgraded(Result result, byte[] content) {
        if (upgraded) {
            return;
        }
        if (result.getResponse() == null || result.getResponse().getStatus() == 0
                || result.getResponse().getStatus() == HttpStatus.SWITCHING_PROTOCOLS_101) {
            ProxyPages.badGateway(request, response, callback, result.getFailure());
            return;
        }
        response.setStatus(result.getResponse().getStatus());
        copyHeaders(result.getResponse(), false);
        response.write(true, ByteBuffer.wrap(content), callback);
    }

    private void copyHeaders(org.eclipse.jetty.client.Response answer, boolean upgrading) {
        for (HttpField field : answer.getHeaders()) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.CONTENT_LENGTH || header == HttpHeader.TRANSFER_ENCODING
                    || header == HttpHeader.KEEP_ALIVE
                    || (!upgrading && (header == HttpHeader.CONNECTION || header == HttpHeader.UPGRADE))) {
                continue;
            }
            if (header == HttpHeader.SET_COOKIE) {
                String kept = setCookieRule.apply(field.getValue());
                if (kept != null) {
                    response.getHeaders().add(HttpHeader.SET_COOKIE, kept);
                }
                continue;
            }
            response.getHeaders().add(field);
        }
    }
}
