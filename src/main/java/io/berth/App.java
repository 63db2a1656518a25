package io.berth;

import io.berth.api.ApiAdmin;
import io.berth.api.ApiAuth;
import io.berth.api.ApiShares;
import io.berth.api.ApiSite;
import io.berth.api.ApiUsage;
import io.berth.api.ApiBackups;
import io.berth.backups.BackupFiles;
import io.berth.backups.BackupService;
import io.berth.backups.BackupSchedule;
import io.berth.backups.Recovery;
import io.berth.backups.Restores;
import io.berth.backups.Uploads;
import io.berth.api.ApiV1;
import io.berth.api.OpenApi;
import io.berth.audit.Audit;
import io.berth.auth.Accounts;
import io.berth.auth.GroupAccounts;
import io.berth.auth.LoginThrottle;
import io.berth.auth.Sessions;
import io.berth.auth.SsoAccounts;
import io.berth.auth.Tokens;
import io.berth.auth.oidc.OidcLogin;
import io.berth.auth.oidc.OidcSettings;
import io.berth.auth.oidc.SessionRecheck;
import io.berth.backend.Backend;
import io.berth.backend.docker.DockerBackend;
import io.berth.backend.swarm.SwarmBackend;
import io.berth.catalog.Catalog;
import io.berth.catalog.ImageMap;
import io.berth.catalog.LocalBuilds;
import io.berth.catalog.RoutePolicy;
import io.berth.catalog.TemplateRenderer;
import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.config.LogSetup;
import io.berth.identity.IdentityAssertions;
import io.berth.identity.SigningKeys;
import io.berth.metrics.BerthMetrics;
import io.berth.model.User;
import io.berth.proxy.Activity;
import io.berth.proxy.ClientAddress;
import io.berth.proxy.HostHandoff;
import io.berth.proxy.HostNames;
import io.berth.proxy.IdentityHeaders;
import io.berth.proxy.RouteTable;
import io.berth.proxy.ServiceProxy;
import io.berth.quota.Quotas;
import io.berth.stacks.Adoption;
import io.berth.stacks.CrashLoops;
import io.berth.stacks.Culler;
import io.berth.stacks.Owners;
import io.berth.stacks.Provisioning;
import io.berth.stacks.OomKills;
import io.berth.stacks.Reconciler;
import io.berth.stacks.Sharing;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackChanges;
import io.berth.stacks.StackDetails;
import io.berth.stacks.StackEvents;
import io.berth.stacks.StackService;
import io.berth.stacks.StartQueue;
import io.berth.store.AuditStore;
import io.berth.store.Backups;
import io.berth.store.Database;
import io.berth.store.EventStore;
import io.berth.store.GroupStore;
import io.berth.store.ProvisionStore;
import io.berth.store.QuotaStore;
import io.berth.store.SessionStore;
import io.berth.store.ShareStore;
import io.berth.store.SigningKeyStore;
import io.berth.store.StackStore;
import io.berth.store.StackBackupStore;
import io.berth.store.TokenStore;
import io.berth.store.UsageStore;
import io.berth.store.UserStore;
import io.berth.usage.UsageHistory;
import io.berth.usage.UsageSampler;
import io.berth.web.AdminPages;
import io.berth.web.AdminStacksPage;
import io.berth.web.ApiDocsPage;
import io.berth.web.AuditPage;
import io.berth.web.AdminBackupsPage;
import io.berth.web.BackupPages;
import io.berth.web.AuthPages;
import io.berth.web.ErrorMapper;
import io.berth.web.Guard;
import io.berth.web.Health;
import io.berth.web.HostLinks;
import io.berth.web.JwksPage;
import io.berth.web.LockPages;
import io.berth.web.LogPages;
import io.berth.web.MetricsPage;
import io.berth.web.ProgressStream;
import io.berth.web.QuotaPage;
import io.berth.web.RouteGroup;
import io.berth.web.SharePages;
import io.berth.web.SitePages;
import io.berth.web.StackPages;
import io.berth.web.TokenPages;
import io.berth.web.Views;
import io.berth.web.WebApp;
import io.javalin.Javalin;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Berth, wired in one place and in a fixed order: store, accounts, catalog, backend, stacks, proxy, pages; then
 * the reconciler's first pass and its timer.
 */
public final class App implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(App.class);
    /** Stops and deletes that may run at once (each mostly waits on the engine); starts have their StartQueue. */
    static final int JOB_THREADS = 16;

    private final Database db;
    private final Optional<Backups.Control> backups;
    private final Backend backend;
    private final ExecutorService jobs;
    /** Backups of stacks' data: a few at once, so they do not all read the disk together. */
    private final ExecutorService backupJobs;
    static final int BACKUP_THREADS = 2;
    private final StartQueue starts;
    /** Single sign-on re-checks: calls to the provider, kept off the launch jobs' threads. */
    private final ExecutorService recheckPool;
    /** How long shutdown waits for a reconcile pass or a job to notice it was interrupted. */
    private static final int SHUTDOWN_WAIT_SECONDS = 5;

    private final ScheduledExecutorService timer;
    private final Javalin web;
    private final Activity activity;
    private final BerthMetrics metrics;
    private final UsageSampler sampler;
    private final AutoCloseable oomWatch;
    /** How often the proxy's record of traffic per route is written to the store. */
    static final int ACTIVITY_FLUSH_SECONDS = 15;
    /** How far back the engine is asked for out-of-memory kills at start: those while Berth was down. */
    static final Duration OOM_REPLAY = Duration.ofMinutes(10);

    private App(BerthConfig config, String adminPassword, Function<BerthConfig, Backend> backends) {
        long began = System.nanoTime();
        LogSetup.apply(config.logging);
        // What the configuration names is checked before the database is opened or migrated: a backend key that
        // names nothing, a bad auth.oidc, proxy.path_routing, identity.*, usage.* or backups.* value.
        checkBackendKey(config);
        OidcSettings.check(config.auth.oidc);
        RoutePolicy routePolicy = new RoutePolicy(config.proxy.pathRouting);
        config.identity.check();
        config.usage.check();
        config.backups.check();
        // Loading the engine's client library and the web server's classes takes about as long as opening the
        // database; on their own threads they overlap it (a start ~0.5 s shorter on two cores, deploy/bench/cold-start.sh).
        CompletableFuture<Backend> backendMade = CompletableFuture.supplyAsync(() -> backends.apply(config),
                runnable -> named("berth-start").newThread(runnable).start());
        WebApp.preload();
        try {
            db = new Database(config.store);
        } catch (RuntimeException e) {
            backendMade.thenAccept(Backend::close);
            throw e;
        }
        try {
            backend = backendMade.join();
        } catch (CompletionException e) {
            db.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        backups = Backups.serve(config.store, db);
        UserStore users = new UserStore(db.jdbi());
        StackStore stackStore = new StackStore(db.jdbi());
        SessionStore sessionStore = new SessionStore(db.jdbi());
        Sessions sessions = new Sessions(sessionStore, users, config.auth, config.https());
        Accounts accounts = new Accounts(users);
        Tokens tokens = new Tokens(new TokenStore(db.jdbi()), users);
        accounts.ensureAdmin(adminPassword);

        Catalog catalog = new Catalog(Path.of(config.catalog.dir));
        catalog.snapshot();
        backend.unavailable().ifPresent(reason -> LOG.warn("{} — Berth serves its pages, launching waits for it", reason));

        RouteTable routes = new RouteTable(stackStore);
        StackChanges changes = new StackChanges();
        changes.subscribe(change -> routes.invalidate(change.ref().owner(), change.ref().stack()));
        jobs = Executors.newFixedThreadPool(JOB_THREADS, named("berth-job"));
        backupJobs = Executors.newFixedThreadPool(BACKUP_THREADS, named("berth-backup"));
        starts = new StartQueue(config.docker.startParallelism(), named("berth-start"));
        ImageMap images = new ImageMap(config.images, config.localBuilds ? LocalBuilds.shipped() : LocalBuilds.none(),
                backend::imagePresent);
        TemplateRenderer renderer = new TemplateRenderer(images, config.docker.hostPaths);
        StackEvents events = new StackEvents(new EventStore(db.jdbi()));
        HostNames hostNames = new HostNames(config.server, config.proxy, this::port,
                id -> users.byId(id).map(User::username));
        // identity assertions: the first signing key exists before the first request (and is the same after a restart)
        SigningKeys signingKeys = new SigningKeys(new SigningKeyStore(db.jdbi()), config.identity, Clock.systemUTC());
        signingKeys.refresh();
        IdentityAssertions identity = new IdentityAssertions(signingKeys, config.identity, hostNames::portalUrl,
                Clock.systemUTC());
        AuditStore auditStore = new AuditStore(db.jdbi());
        Audit audit = new Audit(auditStore, config.audit.retentionDays);
        metrics = new BerthMetrics(stackStore);
        // out-of-memory kills from a few minutes before this start on (the engine's memory allows): kills while
        // Berth was down are told too, and those told before the restart are recognised by their time
        OomKills oomKills = new OomKills(stackStore, events, catalog, (stack, kill) -> metrics.oomKilled());
        oomWatch = backend.watchOomKills(Instant.now().minus(OOM_REPLAY), oomKills);
        CrashLoops crashLoops = new CrashLoops(backend, config.docker.crashLoopRestarts, oomKills, (stack, reason) -> {
            audit.record("berth", "stack.crash_loop", stack.owner() + "/" + stack.name(), reason);
            metrics.crashLooped();
        });
        StackDetails details = new StackDetails(stackStore, catalog, renderer, backend, crashLoops,
                publicHost(config.server.publicHost), hostNames, routePolicy);
        QuotaStore quotaStore = new QuotaStore(db.jdbi());
        Quotas quotas = new Quotas(quotaStore, config.quotas);
        quotaStore.backfill(name -> catalog.find(name).map(Quotas::of));
        metrics.bindUsage(quotaStore::usageOfAll);
        StackService stacks = new StackService(stackStore, events, catalog, renderer, backend, changes, jobs, starts,
                details, metrics, quotas);
        GroupStore groups = new GroupStore(db.jdbi());
        Sharing sharing = new Sharing(new ShareStore(db.jdbi()), users, groups);
        StackAccess access = new StackAccess(stackStore, sharing, config.proxy.adminAccess,
                config.groupStacks.managedBy);
        HostHandoff handoff = new HostHandoff(routes, access, hostNames);
        activity = new Activity(stackStore);
        Adoption adoption = new Adoption(stackStore, users, catalog, events,
                (stack, why) -> audit.record("berth", "stack.adopt", stack.owner() + "/" + stack.name(), why));
        Reconciler reconciler = new Reconciler(stackStore, backend, stacks, changes, adoption, crashLoops);
        UsageHistory usage = new UsageHistory(new UsageStore(db.jdbi()), config.usage.intervalSeconds,
                Clock.systemUTC());
        Culler culler = new Culler(stackStore, catalog, stacks, events, activity::lastSeen, usage::lastBusy,
                (stack, why) -> {
                    audit.record("berth", "stack.cull", stack.owner() + "/" + stack.name(), why);
                    metrics.culled(why);
                });
        // failed logins and bad tokens; each new lock goes to the audit log (its key is what an admin unlocks)
        LoginThrottle throttle = new LoginThrottle(config.auth.throttle, lock -> audit.record(null, "login.lock",
                lock.key(), lock.address(), 429, lock.failures() + " failures; locked until " + lock.until()));
        ServiceProxy proxy = new ServiceProxy(routes, sessions, tokens, access, hostNames, handoff, activity, metrics,
                config, throttle, crashLoops::restarting, new IdentityHeaders(new IdentityHeaders.Names(
                        config.identity.userHeader, config.identity.groupsHeader, config.identity.emailHeader,
                        config.identity.assertionHeader), sharing::groupsOf, identity::headerValue));

        sharing.onRevoked(proxy::revalidate);
        OidcLogin sso = new OidcLogin(config.auth.oidc, config.https(), hostNames::portalUrl);
        SsoAccounts ssoAccounts = new SsoAccounts(users, groups, config.auth.oidc, sharing::forget);
        recheckPool = Executors.newFixedThreadPool(2, named("berth-sso-recheck"));
        SessionRecheck recheck = new SessionRecheck(config.auth.oidc, sso, sessionStore, sessions, ssoAccounts, users,
                recheckPool, (user, why) -> audit.record(user.username(), "session.end", user.username(), why));
        if (recheck.enabled()) {
            sessions.watchUse(recheck::used);
        }

        // pages and the API, each built once and listed in the order Javalin matches their routes
        ClientAddress clients = new ClientAddress(config.proxy.trustedProxies);
        Views views = new Views();
        Owners owners = new Owners(catalog, sharing, access, new GroupAccounts(users));
        StackBackupStore backupRows = new StackBackupStore(db.jdbi());
        BackupService dataBackups = new BackupService(backupRows,
                new BackupFiles(Path.of(config.backups.dir)), backend, stacks, renderer, audit, metrics, config.backups,
                backupJobs, berthVersion());
        // before the reconciler: a backup cut short may have left a service stopped, which is not a failure
        new Recovery(backupRows, dataBackups.files(), stackStore, stacks, backend).run();
        BackupSchedule backupSchedule = new BackupSchedule(dataBackups, backupRows, stackStore, stacks, config.backups,
                Clock.systemDefaultZone());
        Restores restores = new Restores(dataBackups, stacks, stackStore, users, backend, renderer, audit, backupJobs,
                catalog);
        Provisioning provisioning = new Provisioning(new ProvisionStore(db.jdbi()), details, renderer, backend, users,
                audit, metrics);
        Supplier<String> portalUrl = hostNames::portalUrl;
        OpenApi openApi = new OpenApi();
        List<RouteGroup> routeGroups = List.of(
                new Health(db, backend)::register,
                new JwksPage(identity)::register,
                new AuthPages(accounts, sessions, views, config.auth, sso, ssoAccounts, portalUrl, throttle,
                        clients)::register,
                new StackPages(stackStore, stacks, catalog, backend, views, culler, quotas, sharing, access,
                        owners, provisioning, usage, dataBackups)::register,
                new BackupPages(access, dataBackups, restores)::register,
                new SitePages(access, stacks, provisioning, views)::register,
                new HostLinks(handoff)::register,
                new TokenPages(tokens, views)::register,
                new MetricsPage(metrics, tokens, config.server.metricsAllow)::register,
                new ProgressStream(stackStore, events, stacks, access)::register,
                new LogPages(access, stacks, backend, views)::register,
                new AdminPages(accounts, users, views, groups)::register,
                new AuditPage(auditStore, views)::register,
                new QuotaPage(users, quotas, views)::register,
                new SharePages(access, sharing)::register,
                new AdminStacksPage(stackStore, usage, activity, backend, views)::register,
                new AdminBackupsPage(backupRows, views)::register,
                new LockPages(throttle, views)::register,
                new ApiV1(catalog, stackStore, stacks, access, tokens, groups, quotas, owners, portalUrl)::register,
                new ApiAdmin(accounts, users, groups, stackStore, auditStore, quotas, portalUrl, throttle)::register,
                new ApiShares(stackStore, stacks, sharing, access, portalUrl)::register,
                new ApiSite(access, provisioning)::register,
                new ApiUsage(access, usage)::register,
                new ApiBackups(access, dataBackups, restores, new Uploads(dataBackups, restores, stacks, catalog,
                        backupRows, config.backups), portalUrl)::register,
                openApi::register,
                new ApiDocsPage(openApi, views)::register);
        WebApp.Filters filters = new WebApp.Filters(new Guard(sessions)::before,
                new ApiAuth(tokens, throttle, clients)::before, audit::after);
        web = WebApp.create(config, proxy, metrics, filters, new ErrorMapper(views), routeGroups);
        reconciler.run(true);
        web.start();

        timer = Executors.newSingleThreadScheduledExecutor(named("berth-timer"));
        timer.scheduleWithFixedDelay(() -> guarded("reconcile", () -> reconciler.run(false)),
                config.docker.reconcileSeconds, config.docker.reconcileSeconds, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> guarded("idle culling", culler::run), config.culling.intervalSeconds,
                config.culling.intervalSeconds, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> guarded("audit retention", audit::sweep), 2, 24 * 60, TimeUnit.MINUTES);
        timer.scheduleWithFixedDelay(() -> guarded("backup schedule", backupSchedule::run), 5,
                BackupSchedule.TICK.toSeconds(), TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> guarded("session sweep", sessions::sweep), 1, 60, TimeUnit.MINUTES);
        timer.scheduleWithFixedDelay(() -> guarded("signing key rotation", signingKeys::refresh), 1, 1, TimeUnit.MINUTES);
        timer.scheduleWithFixedDelay(() -> guarded("activity flush", activity::flush), ACTIVITY_FLUSH_SECONDS,
                ACTIVITY_FLUSH_SECONDS, TimeUnit.SECONDS);
        sampler = new UsageSampler(backend, stackStore, usage, metrics, config.usage, Clock.systemUTC()).start();
        LOG.info("Berth is serving http://{}:{}/ (started in {} ms)", config.server.host, port(),
                (System.nanoTime() - began) / 1_000_000);
    }

    /** Starts Berth; {@code adminPassword} (may be null) is used only if no admin exists yet. */
    public static App start(BerthConfig config, String adminPassword) {
        return new App(config, adminPassword, App::backend);
    }

    /** The backend {@code backend} in berth.yaml names. */
    static Backend backend(BerthConfig config) {
        checkBackendKey(config);
        return config.backend.equals("swarm") ? new SwarmBackend(config.docker, config.swarm)
                : new DockerBackend(config.docker);
    }

    private static void checkBackendKey(BerthConfig config) {
        if (!config.backend.equals("docker") && !config.backend.equals("swarm")) {
            throw new ConfigException("backend is \"" + config.backend
                    + "\"; use docker (one Docker engine) or swarm (a Docker Swarm)");
        }
    }

    /**
     * Starts Berth on another {@link Backend} than the configured Docker engine: tests and benchmarks of the proxy
     * run services on loopback this way.
     */
    public static App start(BerthConfig config, String adminPassword, Function<BerthConfig, Backend> backends) {
        return new App(config, adminPassword, backends);
    }

    public int port() {
        return web.port();
    }

    /** The HTTP routes Berth serves, as {@code "GET /api/v1/stacks"} (the OpenAPI drift test compares them). */
    public List<String> routes() {
        return web.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> !e.endpoint.method.name().startsWith("BEFORE") && !e.endpoint.method.name().startsWith("AFTER"))
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        web.stop();
        guarded("activity flush", activity::flush);
        sampler.close(); // saves the week's points
        jobs.shutdownNow();
        backupJobs.shutdownNow();
        starts.close();
        recheckPool.shutdownNow();
        // a reconcile pass or a job still running would otherwise meet a closed database (one WARN per stack)
        awaitQuietly(timer, "the reconciler and timers");
        awaitQuietly(jobs, "stop and delete jobs");
        awaitQuietly(backupJobs, "backups");
        awaitQuietly(starts.workers(), "starts");
        guarded("out-of-memory watch", () -> {
            try {
                oomWatch.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        backend.close();
        metrics.close();
        backups.ifPresent(Backups.Control::close);
        db.close();
    }

    private static void awaitQuietly(ExecutorService pool, String what) {
        try {
            if (!pool.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{} still busy {} s into shutdown; closing the database anyway", what, SHUTDOWN_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Berth's version as its jar says it (written into each backup's manifest), or {@code dev}. */
    static String berthVersion() {
        String version = App.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static String publicHost(String configured) {
        if (!configured.isBlank()) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.toString(), e);
        }
    }

    private static ThreadFactory named(String prefix) {
        var count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + count.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
