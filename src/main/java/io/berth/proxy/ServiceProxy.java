package io.berth.proxy;

import io.berth.auth.Session;
import io.berth.auth.Sessions;
import java.net.HttpCookie;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves {@code /user/<owner>/<stack>/<service>/…}: checks who asks, then forwards to the service with Jetty's
 * HttpClient (pooled, streaming both ways), keeping the path prefix. Runs as a core Jetty handler in front of the
 * pages, so proxied traffic never pays for the servlet layer. Berth's session cookie never reaches a service, and a
 * service cannot set it.
 */
public final class ServiceProxy extends ProxyHandler {
    private static final String PREFIX = "/user/";
    private static final String TARGET = ServiceProxy.class.getName() + ".target";

    private final RouteTable routes;
    private final Sessions sessions;

    public ServiceProxy(RouteTable routes, Sessions sessions) {
        this.routes = routes;
        this.sessions = sessions;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getCanonicalPath();
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        // owner / stack / service / rest
        String[] parts = path.substring(PREFIX.length()).split("/", 4);
        if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            ProxyPages.notFound(request, response, callback);
            return true;
        }
        Optional<Session> session = sessions.resolve(cookie(request, Sessions.COOKIE));
        if (session.isEmpty()) {
            ProxyPages.loginRequired(request, response, callback);
            return true;
        }
        Optional<Route> route = routes.find(parts[0], parts[1], parts[2]);
        if (route.isEmpty()) {
            ProxyPages.notFound(request, response, callback);
            return true;
        }
        if (route.get().ownerId() != session.get().user().id() && !session.get().user().admin()) {
            ProxyPages.forbidden(request, response, callback);
            return true;
        }
        if (parts.length == 3) { // "/user/a/s/web" → "/user/a/s/web/": the app's relative links need the slash
            String query = request.getHttpURI().getQuery();
            ProxyPages.redirect(request, response, callback, route.get().prefix() + (query == null ? "" : "?" + query));
            return true;
        }
        if (!route.get().forwardable()) {
            ProxyPages.notRunning(request, response, callback, route.get());
            return true;
        }
        request.setAttribute(TARGET, route.get());
        return super.handle(request, response, callback);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        Route route = (Route) request.getAttribute(TARGET);
        HttpURI uri = request.getHttpURI();
        // Forward the path as the client encoded it: Jetty has already refused ambiguous encodings (UriCompliance),
        // and the route was chosen on the canonical form of this same path.
        return HttpURI.build().scheme("http").host(route.host()).port(route.port())
                .path(uri.getPath()).query(uri.getQuery()).asImmutable();
    }

    @Override
    protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request proxyToServer) {
        super.copyRequestHeaders(request, proxyToServer);
        List<String> cookies = proxyToServer.getHeaders().getValuesList(HttpHeader.COOKIE);
        if (!cookies.isEmpty()) {
            String kept = cookies.stream().flatMap(h -> List.of(h.split(";")).stream()).map(String::trim)
                    .filter(c -> !c.isEmpty() && !c.startsWith(Sessions.COOKIE + "="))
                    .collect(Collectors.joining("; "));
            proxyToServer.headers(h -> {
                h.remove(HttpHeader.COOKIE);
                if (!kept.isEmpty()) {
                    h.put(HttpHeader.COOKIE, kept);
                }
            });
        }
    }

    @Override
    protected HttpField filterServerToProxyResponseField(HttpField field) {
        if (field.getHeader() == HttpHeader.SET_COOKIE && setsSessionCookie(field.getValue())) {
            return null; // a service must not plant or clear the portal's session (cookie tossing)
        }
        return super.filterServerToProxyResponseField(field);
    }

    private static boolean setsSessionCookie(String setCookie) {
        try {
            return HttpCookie.parse(setCookie).stream().anyMatch(c -> c.getName().equalsIgnoreCase(Sessions.COOKIE));
        } catch (IllegalArgumentException e) {
            return true; // unparseable: refuse it rather than let the browser guess
        }
    }

    private static String cookie(Request request, String name) {
        var cookies = Request.getCookies(request);
        if (cookies == null) {
            return null;
        }
        return cookies.stream().filter(c -> name.equals(c.getName())).map(c -> c.getValue()).findFirst().orElse(null);
    }
}
