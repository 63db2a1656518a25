package io.berth.proxy;

import io.berth.model.Route;
import io.berth.model.StackState;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The answers the proxy gives itself instead of forwarding: a small HTML page for browsers, JSON in the API's
 * error shape for everything else. Messages never say whether a stack the caller may not see exists.
 */
final class ProxyPages {
    /** Request attribute: the portal's URL, when the request came to a service host. */
    static final String PORTAL = ProxyPages.class.getName() + ".portal";

    private ProxyPages() { }

    static void loginRequired(Request request, Response response, Callback callback) {
        if (wantsHtml(request) && request.getAttribute(PORTAL) == null) {
            String uri = request.getHttpURI().getPathQuery();
            redirect(request, response, callback, "/login?next=" + java.net.URLEncoder.encode(uri, java.nio.charset.StandardCharsets.UTF_8));
        } else {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"berth\"");
            send(request, response, callback, HttpStatus.UNAUTHORIZED_401, "unauthorized",
                    "Log in to Berth first, or send a Berth API token: Authorization: Bearer berth_….", null, null);
        }
    }

    static void severalAuthorizations(Request request, Response response, Callback callback) {
        send(request, response, callback, HttpStatus.BAD_REQUEST_400, "invalid_request",
                "Send one Authorization header: Authorization: Bearer berth_….", null, null);
    }

    static void tooManyTries(Request request, Response response, Callback callback, long retryAfterSeconds) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
        send(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "too_many_requests",
                "Too many bad tokens from this address: wait " + retryAfterSeconds + " s.", null, null);
    }

    static void tokenScope(Request request, Response response, Callback callback) {
        send(request, response, callback, HttpStatus.FORBIDDEN_403, "insufficient_scope",
                "This API token may not open services: create one with the \"access\" scope.", null, null);
    }

    static void crossSiteWebSocket(Request request, Response response, Callback callback) {
        send(request, response, callback, HttpStatus.FORBIDDEN_403, "cross_site",
                "A page of another site tried to open this service's WebSocket; Berth refuses that.", null, null);
    }

    static void notFound(Request request, Response response, Callback callback) {
        send(request, response, callback, HttpStatus.NOT_FOUND_404, "not_found",
                "There is no such service. Check the link, or launch the stack from the catalog.", null, null);
    }

    static void notRunning(Request request, Response response, Callback callback, Route route) {
        String stackPage = portal(request) + "/stacks/" + route.owner() + "/" + route.stack();
        // READY without an address: the engine is restarting or replacing the service (the reconciler cleared it)
        boolean restarting = route.state() == StackState.READY;
        boolean starting = restarting
                || route.state().inProgress() && route.state() != StackState.STOPPING
                && route.state() != StackState.DELETING;
        String message = restarting
                ? "Service \"" + route.service() + "\" of \"" + route.stack() + "\" is being restarted; this page"
                + " reloads until it answers."
                : starting ? "The stack \"" + route.stack() + "\" is starting; this page reloads until it is ready."
                : "The stack \"" + route.stack() + "\" is " + route.state().name().toLowerCase() + ".";
        if (starting) {
            response.getHeaders().put("Refresh", "1");
        }
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        send(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                starting ? "starting" : "not_running", message, stackPage, "Open the stack's page");
    }

    /** The service did not answer (502), or not in time (504); nothing can be said once its answer began. */
    static void badGateway(Request request, Response response, Callback callback, Throwable failure) {
        if (response.isCommitted()) {
            callback.failed(failure == null ? new java.io.IOException("service failed") : failure);
            return;
        }
        boolean timeout = failure instanceof java.util.concurrent.TimeoutException;
        response.getHeaders().clear();
        send(request, response, callback, timeout ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502,
                timeout ? "service_timeout" : "service_unreachable",
                timeout ? "The service did not answer in time. Try again; if it keeps happening, check its logs."
                        : "The service is not answering. It may be restarting or have crashed: check its logs on "
                                + "the stack's page.", null, null);
    }

    /** A handoff ticket that is unknown, used, expired, for another host, or for a user without access. */
    static void handoffFailed(Request request, Response response, Callback callback, String portalUrl) {
        send(request, response, callback, HttpStatus.FORBIDDEN_403, "handoff_failed",
                "This sign-in link has expired or was already used. Open the service again from your dashboard.",
                portalUrl + "/dashboard", "Your dashboard");
    }

    static void redirect(Request request, Response response, Callback callback, String location) {
        response.setStatus(HttpStatus.FOUND_302);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        callback.succeeded();
    }

    private static void send(Request request, Response response, Callback callback, int status, String error,
                             String message, String link, String linkText) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // Berth's own answer on a service's path or host: no script, not framable, never sniffed as something else
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; style-src "
                + (portal(request).isEmpty() ? "'self'" : portal(request)) + "; frame-ancestors 'none'; base-uri 'none';"
                + " form-action 'none'");
        String body;
        if (wantsHtml(request)) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
            body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Berth</title>"
                    + "<link rel=\"stylesheet\" href=\"" + escape(portal(request)) + "/static/berth.css\"></head>"
                    + "<body><main class=\"narrow\">"
                    + "<h1>" + status + "</h1><p id=\"message\">" + escape(message) + "</p>"
                    + (link == null ? "" : "<p><a href=\"" + escape(link) + "\">" + escape(linkText) + "</a></p>")
                    + "<p><a href=\"" + escape(portal(request)) + "/dashboard\">Back to your dashboard</a></p>"
                    + "</main></body></html>";
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            body = "{\"error\":\"" + error + "\",\"message\":\"" + json(message) + "\"}";
        }
        response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * The prefix of links to the portal: empty on the portal's own host; the portal's URL on a service host
     * (set by the proxy as the request attribute {@link #PORTAL}).
     */
    private static String portal(Request request) {
        Object portal = request.getAttribute(PORTAL);
        return portal == null ? "" : portal.toString();
    }

    static boolean wantsHtml(Request request) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.contains("text/html");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
