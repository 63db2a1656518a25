package io.berth.web;

import io.berth.api.ApiAdmin;
import io.berth.api.ApiAuth;
import io.berth.api.ApiShares;
import io.berth.api.ApiV1;
import io.berth.api.OpenApi;
import io.berth.audit.Audit;
import io.berth.auth.Accounts;
import io.berth.auth.GroupAccounts;
import io.berth.auth.LoginThrottle;
import io.berth.auth.Sessions;
import io.berth.auth.SsoAccounts;
import io.berth.auth.oidc.OidcLogin;
import io.berth.auth.Tokens;
import io.berth.backend.Backend;
import io.berth.catalog.Catalog;
import io.berth.config.BerthConfig;
import io.berth.metrics.BerthMetrics;
import io.berth.proxy.ClientAddress;
import io.berth.proxy.HostHandoff;
import io.berth.proxy.ServiceProxy;
import io.berth.quota.Quotas;
import io.berth.stacks.Culler;
import io.berth.stacks.Owners;
import io.berth.stacks.Sharing;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackEvents;
import io.berth.stacks.StackService;
import io.berth.store.AuditStore;
import io.berth.store.Database;
import io.berth.store.GroupStore;
import io.berth.store.StackStore;
import io.berth.store.UserStore;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/**
 * The HTTP server: the proxy as a core Jetty handler first (it claims {@code /user/…}), then Javalin's pages.
 * Each feature registers its routes in its own {@code register} method.
 */
public final class WebApp {
    private WebApp() { }

    public static Javalin create(BerthConfig config, Database db, Accounts accounts, Sessions sessions,
                                 Tokens tokens, UserStore users, StackStore stackStore, StackEvents events, StackService stacks,
                                 Catalog catalog,
                                 Backend backend, ServiceProxy proxy, HostHandoff handoff,
                                 BerthMetrics metrics, GroupStore groups, OidcLogin sso, SsoAccounts ssoAccounts,
                                 java.util.function.Supplier<String> portalUrl, Culler culler, Audit audit,
                                 AuditStore auditStore, Quotas quotas, Sharing sharing, StackAccess access,
                                 LoginThrottle throttle) {
        ClientAddress clients = new ClientAddress(config.proxy.trustedProxies);
        Views views = new Views();
        Owners owners = new Owners(catalog, sharing, access, new GroupAccounts(users));
        Guard guard = new Guard(sessions);
        AuthPages auth = new AuthPages(accounts, sessions, views, config.auth, sso, ssoAccounts, portalUrl,
                throttle, clients);
        StackPages stackPages = new StackPages(stackStore, stacks, catalog, backend, views, culler, quotas,
                sharing, access, owners);
        AdminPages admin = new AdminPages(accounts, users, views, groups);
        ProgressStream progress = new ProgressStream(stackStore, events, stacks, access);
        LogPages logs = new LogPages(access, stacks, backend, views);
        ErrorMapper errors = new ErrorMapper(views);
        HostLinks hostLinks = new HostLinks(handoff);
        TokenPages tokenPages = new TokenPages(tokens, views);
        ApiAuth apiAuth = new ApiAuth(tokens, throttle, clients);
        ApiV1 api = new ApiV1(catalog, stackStore, stacks, access, tokens, groups, quotas, owners, portalUrl);
        ApiAdmin apiAdmin = new ApiAdmin(accounts, users, groups, stackStore, auditStore, quotas, portalUrl, throttle);
        AuditPage auditPage = new AuditPage(auditStore, views);
        QuotaPage quotaPage = new QuotaPage(users, quotas, views);
        SharePages sharePages = new SharePages(access, sharing);
        AdminStacksPage adminStacks = new AdminStacksPage(stackStore, views);
        LockPages lockPages = new LockPages(throttle, views);
        ApiShares apiShares = new ApiShares(stackStore, stacks, sharing, access, portalUrl);
        OpenApi openApi = new OpenApi();
        ApiDocsPage apiDocs = new ApiDocsPage(openApi, views);
        MetricsPage metricsPage = new MetricsPage(metrics, tokens, config.server.metricsAllow);
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
                stats.setHandler(new Handler.Sequence(proxy)); // Javalin appends its servlet context after the proxy
            });
            c.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = "/static";
                s.location = Location.CLASSPATH;
            });
            c.routes.before(new SecurityHeaders(config.https())::before);
            c.routes.before(guard::before);
            c.routes.before(apiAuth::before);
            c.routes.after(audit::after);
            c.routes.get("/healthz", ctx -> ctx.result("ok"));
            c.routes.get("/readyz", ctx -> {
                boolean ok = db.answers() && backend.unavailable().isEmpty();
                ctx.status(ok ? 200 : 503).result(ok ? "ready" : "not ready");
            });
            auth.register(c.routes);
            stackPages.register(c.routes);
            hostLinks.register(c.routes);
            tokenPages.register(c.routes);
            metricsPage.register(c.routes);
            progress.register(c.routes);
            logs.register(c.routes);
            admin.register(c.routes);
            auditPage.register(c.routes);
            quotaPage.register(c.routes);
            sharePages.register(c.routes);
            adminStacks.register(c.routes);
            lockPages.register(c.routes);
            api.register(c.routes);
            apiAdmin.register(c.routes);
            apiShares.register(c.routes);
            openApi.register(c.routes);
            apiDocs.register(c.routes);
            errors.register(c.routes);
        });
    }
}
