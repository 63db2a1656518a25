package io.berth.proxy;

import io.berth.auth.LoginThrottle;
import io.berth.auth.Session;
import io.berth.auth.Sessions;
import io.berth.auth.Tokens;
import io.berth.config.BerthConfig;
import io.berth.config.Proxy;
import io.berth.metrics.BerthMetrics;
import io.berth.model.OwnerKind;
import io.berth.model.Route;
import io.berth.model.User;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.UpgradeProtocolHandler;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves users' services: {@code /user/<owner>/<stack>/<service>/…} (path-routed) and
 * {@code <service>--<stack>--<owner>.<apps_domain>} (host-routed, {@link HostNames}). Every request is checked —
 * who asks ({@link Sessions}: the portal cookie on the portal's host, a host-only cookie handed over by
 * {@link HostHandoff} on a service host; or an API token with the {@code access} scope, {@link Tokens}) and whether they may ({@link Access}) — then forwarded with Jetty's
 * HttpClient (pooled, streaming both ways), WebSockets through a {@link Tunnel}. Runs as a core Jetty handler in
 * front of the pages, so proxied traffic never pays for the servlet layer. Berth's cookies never reach a service
 * ({@link CookieRules}) and a service cannot set them.
 */
public final class ServiceProxy extends ProxyHandler {
    private static final String ROUTE = ServiceProxy.class.getName() + ".route";
    private static final String BEGAN = ServiceProxy.class.getName() + ".began";
    private static final String CALLER = ServiceProxy.class.getName() + ".caller";

    private final RouteTable routes;
    private final Sessions sessions;
    private final Access access;
    private final HostNames hosts;
    private final HostHandoff handoff;
    private final Activity activity;
    private final java.util.function.BiPredicate<Long, String> restarting;
    private final BerthMetrics metrics;
    private final OpenTunnels tunnels = new OpenTunnels();
    private final Proxy config;
    private final ForwardedHeaders forwarded;
    private final TokenCallers tokenCallers;
    private final IdentityHeaders identity;

    /**
     * @param restarting whether the engine restarts a service (stack id, service name) lately: a refused connection
     *                   to it is "being restarted", not a bare 502
     */
    public ServiceProxy(RouteTable routes, Sessions sessions, Tokens tokens, Access access, HostNames hosts,
                        HostHandoff handoff, Activity activity, BerthMetrics metrics, BerthConfig config,
                        LoginThrottle throttle, java.util.function.BiPredicate<Long, String> restarting,
                        IdentityHeaders identity) {
        this.identity = identity;
        ClientAddress clients = new ClientAddress(config.proxy.trustedProxies);
        this.tokenCallers = new TokenCallers(tokens, throttle, clients);
        this.restarting = restarting;
        this.metrics = metrics;
        this.routes = routes;
        this.sessions = sessions;
        this.access = access;
        this.hosts = hosts;
        this.handoff = handoff;
        this.activity = activity;
        this.config = config.proxy;
        this.forwarded = new ForwardedHeaders(clients);
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setConnectTimeout(TimeUnit.SECONDS.toMillis(config.connectTimeoutSeconds));
        client.setIdleTimeout(TimeUnit.SECONDS.toMillis(config.idleTimeoutSeconds));
        client.setMaxConnectionsPerDestination(1024);
        client.setUserAgentField(null); // the browser's User-Agent passes on; Jetty must not add a second one
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // ProxyHandler keeps only its own protocol handlers; WebSocket handshakes need the 101 one back
        getHttpClient().getProtocolHandlers().put(new UpgradeProtocolHandler());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Optional<HostNames.Key> host = hosts.parse(Request.getServerName(request));
        if (host.isPresent()) {
            handleHost(host.get(), request, response, callback);
            return true;
        }
        String path = request.getHttpURI().getCanonicalPath();
        Optional<OwnerKind> kind = path == null ? Optional.empty() : OwnerKind.ofPath(path);
        if (kind.isEmpty()) {
            return false;
        }
        // owner / stack / service / rest; a group stack's owner is the group's account, only under /group/; a site
        // stack's path has no owner part (/site/<stack>/<service>/)
        String rest = path.substring(kind.get().pathPrefix().length());
        String[] parts = (kind.get() == OwnerKind.SITE ? OwnerKind.SITE_ACCOUNT + "/" + rest : rest).split("/", 4);
        parts[0] = kind.get().accountInPath(parts[0]).orElse("");
        Optional<Session> session = sessions.resolve(CookieRules.read(request, sessions.cookieName()));
        Optional<User> caller = session.isPresent() ? session.map(Session::user) : tokenCallers.resolve(request, response, callback);
        if (caller.isEmpty()) {
            return true; // answered
        }
        if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            ProxyPages.notFound(request, response, callback);
            return true;
        }
        Optional<Route> route = routes.find(parts[0], parts[1], parts[2]).filter(r -> !r.hostRouted());
        if (route.isEmpty() || !access.mayOpen(caller.get(), route.get())) {
            ProxyPages.notFound(request, response, callback); // the same answer: stack names cannot be probed
        } else if (parts.length == 3) { // "/user/a/s/web" → "/user/a/s/web/": the app's relative links need it
            String query = request.getHttpURI().getQuery();
            ProxyPages.redirect(request, response, callback, route.get().prefix() + (query == null ? "" : "?" + query));
        } else {
            forward(caller.get(), route.get(), request, response, callback);
        }
        return true;
    }

    private void handleHost(HostNames.Key key, Request request, Response response, Callback callback) {
        String label = key.label();
        request.setAttribute(ProxyPages.PORTAL, hosts.portalUrl());
        String path = request.getHttpURI().getCanonicalPath();
        Optional<Route> route = routes.find(key.owner(), key.stack(), key.service()).filter(Route::hostRouted);
        if (HostHandoff.ENTER_PATH.equals(path)) {
            enter(label, route, request, response, callback);
            return;
        }
        Optional<User> caller = sessions.resolveOnHost(CookieRules.read(request, CookieRules.hostCookie(sessions.secure())), label)
                .map(Session::user);
        if (caller.isEmpty() && ProxyPages.wantsHtml(request) && !request.getHeaders().contains(HttpHeader.AUTHORIZATION)) {
            // a browser: log in at the portal, which hands the login back to this host
            String next = request.getHttpURI().getPathQuery();
            ProxyPages.redirect(request, response, callback, hosts.portalUrl() + "/hosts/open/"
                    + enc(key.owner()) + "/" + enc(key.stack()) + "/" + enc(key.service()) + "?next=" + enc(next));
            return;
        }
        if (caller.isEmpty()) {
            caller = tokenCallers.resolve(request, response, callback);
        }
        if (caller.isEmpty()) {
            return; // answered
        }
        if (route.isEmpty() || path == null || path.startsWith("/_berth/") || !access.mayOpen(caller.get(), route.get())) {
            ProxyPages.notFound(request, response, callback); // the same answer: stack names cannot be probed
        } else {
            forward(caller.get(), route.get(), request, response, callback);
        }
    }

    /** Redeems a handoff ticket from the portal for this host's own session cookie. */
    private void enter(String label, Optional<Route> route, Request request, Response response, Callback callback) {
        var query = Request.extractQueryParameters(request);
        Optional<HostHandoff.Ticket> ticket = handoff.redeem(query.getValue("token"), label);
        if (ticket.isEmpty() || route.isEmpty() || !access.mayOpen(ticket.get().portal().user(), route.get())) {
            ProxyPages.handoffFailed(request, response, callback, hosts.portalUrl());
            return;
        }
        String cookie = sessions.startOnHost(ticket.get().portal().user(), label, ticket.get().portal());
        response.getHeaders().add(HttpHeader.SET_COOKIE, CookieRules.hostCookie(sessions.secure()) + "=" + cookie + sessions.cookieAttributes());
        ProxyPages.redirect(request, response, callback, HostHandoff.safeNext(query.getValue("next")));
    }

    private void forward(User caller, Route route, Request request, Response response, Callback callback) {
        if (!route.forwardable()) {
            ProxyPages.notRunning(request, response, callback, route);
            return;
        }
        activity.record(route);
        request.setAttribute(ROUTE, route);
        request.setAttribute(CALLER, caller);
        request.setAttribute(BEGAN, System.nanoTime());
        if (!WebSocketUpgrade.requested(request)) {
            super.handle(request, response, callback);
            return;
        }
        if (WebSocketUpgrade.crossSite(request, forwarded.requestedHost(request))) {
            ProxyPages.crossSiteWebSocket(request, response, callback);
            return;
        }
        var toService = newProxyToServerRequest(request, rewriteHttpURI(request));
        copyRequestHeaders(request, toService);
        addProxyHeaders(request, toService);
        WebSocketUpgrade.forward(request, response, callback, toService, c -> CookieRules.fromService(route, c),
                bytes -> activity.record(route), TimeUnit.SECONDS.toMillis(config.websocketIdleSeconds),
                metrics.openWebSockets(), tunnel -> tunnels.add(caller, route, tunnel));
    }

    /** Closes the WebSockets into a stack whose opener may no longer reach it (a share was revoked). */
    public int revalidate(long stackId) {
        return tunnels.closeWhere(o -> o.route().stackId() == stackId && !access.mayOpen(o.user(), o.route()));
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        Route route = (Route) request.getAttribute(ROUTE);
        HttpURI uri = request.getHttpURI();
        // Forward the path as the client encoded it: Jetty has already refused ambiguous encodings (UriCompliance),
        // and the route was chosen on the canonical form of this same path.
        return HttpURI.build().scheme("http").host(route.host()).port(route.port())
                .path(uri.getPath()).query(uri.getQuery()).asImmutable();
    }

    @Override
    protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request toService) {
        super.copyRequestHeaders(request, toService);
        List<String> cookies = toService.getHeaders().getValuesList(HttpHeader.COOKIE);
        if (!cookies.isEmpty()) {
            String kept = CookieRules.forService(cookies);
            toService.headers(h -> {
                h.remove(HttpHeader.COOKIE);
                if (kept != null) {
                    h.put(HttpHeader.COOKIE, kept);
                }
            });
        }
        // Credentials meant for Berth never reach a service, in whatever form they came (any scheme, spacing or
        // count): a shared stack's service would otherwise collect its visitors' tokens. A service that needs its
        // own credentials gets them another way (its own login page, a cookie, a header of its own).
        toService.headers(h -> {
            h.remove(HttpHeader.AUTHORIZATION);
            h.remove(HttpHeader.PROXY_AUTHORIZATION);
        });
    }

    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request toService) {
        Route route = (Route) request.getAttribute(ROUTE);
        String prefix = route.prefix();
        forwarded.apply(request, toService, route.hostRouted() ? null : prefix.substring(0, prefix.length() - 1));
        identity.apply((User) request.getAttribute(CALLER), route, route.hostRouted()
                ? hosts.url(route.owner(), route.ownerId(), route.stack(), route.service())
                : hosts.portalUrl() + prefix, toService);
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request request, org.eclipse.jetty.client.Request toService, Response response, Callback callback) {
        Route route = (Route) request.getAttribute(ROUTE);
        return new ProxyResponseListener(request, toService, response, callback) {
            @Override
            public void onHeaders(org.eclipse.jetty.client.Response answer) {
                super.onHeaders(answer);
                if (!route.hostRouted()) {
                    OriginWideHeaders.strip(response.getHeaders());
                }
                List<String> set = response.getHeaders().getValuesList(HttpHeader.SET_COOKIE);
                if (!set.isEmpty()) {
                    response.getHeaders().remove(HttpHeader.SET_COOKIE);
                    set.stream().map(c -> CookieRules.fromService(route, c)).filter(c -> c != null)
                            .forEach(c -> response.getHeaders().add(HttpHeader.SET_COOKIE, c));
                }
            }
        };
    }

    @Override
    protected void onServerToProxyResponseFailure(Request request, org.eclipse.jetty.client.Request toService,
                                                  org.eclipse.jetty.client.Response answer, Response response,
                                                  Callback callback, Throwable failure) {
        Route route = (Route) request.getAttribute(ROUTE);
        if (!response.isCommitted() && route != null && refused(failure)
                && restarting.test(route.stackId(), route.service())) {
            // nothing listens at the address of a service the engine keeps restarting: between two of its lives it
            // gets the "being restarted" page that reloads itself, not a bare 502
            response.getHeaders().clear();
            ProxyPages.notRunning(request, response, callback, route);
        } else {
            ProxyPages.badGateway(request, response, callback, failure);
        }
        measure(request, response, response.getStatus());
    }

    private static boolean refused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void onProxyToClientResponseComplete(Request request, org.eclipse.jetty.client.Request toService,
                                                   org.eclipse.jetty.client.Response answer, Response response,
                                                   Callback callback) {
        measure(request, response, response.getStatus());
        super.onProxyToClientResponseComplete(request, toService, answer, response, callback);
    }

    private void measure(Request request, Response response, int status) {
        if (request.getAttribute(BEGAN) instanceof Long began && request.getAttribute(ROUTE) instanceof Route route) {
            metrics.proxied(route.hostRouted(), status, System.nanoTime() - began,
                    Request.getContentBytesRead(request), Response.getContentBytesWritten(response));
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
