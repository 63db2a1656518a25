package io.berth.web;

import io.berth.config.BerthConfig;
import io.berth.metrics.BerthMetrics;
import io.berth.proxy.ServiceProxy;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import java.util.List;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler.Sequence;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/**
 * The HTTP server: the proxy as a core Jetty handler first (it claims {@code /user/…}), then Javalin's pages.
 * It sets up Jetty and Javalin, the filters every request passes and the error mapping; the pages and the API are
 * built elsewhere, once, and arrive as {@link RouteGroup}s.
 */
public final class WebApp {
    private WebApp() { }

    /**
     * The handlers every request passes, in this order after the portal's security headers: {@code sessions} (the
     * browser's session and CSRF checks, {@link Guard}), {@code apiTokens} (the API's bearer tokens); and
     * {@code audit} once the answer is written.
     */
    public record Filters(Handler sessions, Handler apiTokens, Handler audit) { }

    /**
     * Loads and initialises Javalin's and Jetty's classes on a thread of its own, so that {@link #create} finds them
     * ready: a server is configured and dropped without starting (no port, no thread). Nothing fails if it does not
     * finish first; class initialisation is safe to race.
     */
    public static void preload() {
        Thread t = new Thread(() -> {
            try {
                Javalin.create(c -> c.startup.showJavalinBanner = false);
            } catch (RuntimeException | LinkageError e) {
                // create() proper will meet the same problem and report it
            }
        }, "berth-preload");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A server ready to start: {@code groups} are registered in the order given (it is the order Javalin matches
     * them in), then {@code errors}.
     */
    public static Javalin create(BerthConfig config, ServiceProxy proxy, BerthMetrics metrics, Filters filters,
                                 ErrorMapper errors, List<RouteGroup> groups) {
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.http.prefer405over404 = true; // a known path with the wrong method is 405, answered by ErrorMapper
            c.jetty.host = config.server.host;
            c.jetty.port = config.server.port;
            if (config.server.tls.enabled()) { // HTTPS only: Javalin adds its plain connector only when none is given
                c.jetty.addConnector((server, http) -> TlsConnector.create(server, http, config.server));
            }
            // Javalin relaxes URI checks to LEGACY; the proxy routes on paths, so ambiguous ones (%2e%2e, %2f) are refused.
            c.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(UriCompliance.DEFAULT));
            c.jetty.modifyServer(server -> {
                server.setErrorHandler(new EarlyErrors());
                metrics.bindJetty(server.getThreadPool());
                StatisticsHandler stats = (StatisticsHandler) server.getHandler();
                stats.setHandler(new Sequence(proxy)); // Javalin appends its servlet context after the proxy
            });
            c.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = "/static";
                s.location = Location.CLASSPATH;
            });
            c.routes.before(new SecurityHeaders(config.https())::before);
            c.routes.before(filters.sessions());
            c.routes.before(filters.apiTokens());
            c.routes.after(filters.audit());
            groups.forEach(group -> group.register(c.routes));
            errors.register(c.routes);
        });
    }
}
