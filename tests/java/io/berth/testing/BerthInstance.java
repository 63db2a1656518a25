package io.berth.testing;

import io.berth.App;
import io.berth.config.BerthConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A Berth for one test class: its own data folder, catalog folder, name prefix and test label on a real engine,
 * so test runs never see each other's stacks. {@link #start()} / {@link #stop()} may be repeated on the same data.
 */
public final class BerthInstance implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "admin-secret-42";

    public final String run = "bt" + UUID.randomUUID().toString().substring(0, 6);
    public final Path home;
    private App app;
    /** Whether this instance only ever ran on loopback (no containers to clean up, no engine needed). */
    private boolean onLoopbackOnly;

    public BerthInstance() throws IOException {
        home = Files.createTempDirectory("berth-test-");
        Files.createDirectories(home.resolve("templates"));
        template("demo.yaml", Files.readString(Path.of("templates/demo.yaml")));
        template("ghost.yaml", """
                name: ghost
                title: Needs an image nobody built
                services:
                  web:
                    image: berth/no-such-image:1.0
                    expose: [{http: 8080}]
                """);
    }

    /**
     * Makes a local account {@code user} (password {@code <user>-password}) through the admin pages and puts it in
     * {@code groups} as single sign-on would, written straight to this instance's store (Berth re-reads memberships
     * at most 30 s later; a new account has none cached); returns a client signed in as the user.
     */
    public PortalClient member(PortalClient admin, String user, String... groups) {
        admin.get("/admin/users");
        admin.post("/admin/users", java.util.Map.of("username", user, "password", user + "-password"));
        org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(config().store.url, "berth", "");
        long id = jdbi.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = :u")
                .bind("u", user).mapTo(Long.class).one());
        new io.berth.store.GroupStore(jdbi).replaceMemberships(id, io.berth.store.GroupStore.SSO,
                java.util.List.of(groups));
        return new PortalClient(url()).login(user, user + "-password");
    }

    public void template(String file, String text) throws IOException {
        Files.writeString(home.resolve("templates").resolve(file), text);
    }

    public BerthConfig config() {
        BerthConfig c = new BerthConfig();
        c.server.port = 0;
        c.store.url = "jdbc:h2:file:" + home.resolve("data/berth");
        c.catalog.dir = home.resolve("templates").toString();
        c.docker.namePrefix = run;
        c.docker.startTimeoutSeconds = 20;
        // tests of other things send wrong passwords and forged tokens on purpose, all from 127.0.0.1;
        // The tests were written for path routes; PathRoutingTest and SharedServiceOriginTest test the default (off)
        c.proxy.pathRouting = "all";
        // LoginThrottleTest sets the throttle it tests
        c.auth.throttle.freeFailures = 1_000;
        c.auth.throttle.lockAfter = 0;
        c.auth.throttle.addressLockAfter = 0;
        c.auth.throttle.accountLockAfter = 0;
        c.docker.labels.put(TestDocker.TEST_LABEL, run);
        c.docker.publishHost = "127.0.0.1"; // tests reach published ports on loopback only
        c.server.publicHost = "127.0.0.1";
        // backups of stacks' data go to this instance's folder; none run by themselves unless a test says so
        c.backups.dir = home.resolve("backups").toString();
        c.backups.schedule = "off";
        return c;
    }

    public BerthInstance start() {
        return start(config());
    }

    /** Starts with a config the test adjusted (take it from {@link #config()}). */
    public BerthInstance start(BerthConfig config) {
        app = App.start(config, ADMIN_PASSWORD);
        onLoopbackOnly = false;
        return this;
    }

    /** Starts with every service pointed at a server already listening on loopback (see {@link LoopbackBackend}). */
    public BerthInstance startOnLoopback(BerthConfig config, int port) {
        app = App.start(config, ADMIN_PASSWORD, c -> new LoopbackBackend(port));
        onLoopbackOnly = true;
        return this;
    }

    /** Starts on a backend of the test's (a {@link LoopbackBackend} it keeps a hand on). */
    public BerthInstance startWith(BerthConfig config, io.berth.backend.Backend backend) {
        app = App.start(config, ADMIN_PASSWORD, c -> backend);
        onLoopbackOnly = true;
        return this;
    }

    public void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    /** The routes the running Berth serves ({@code "GET /path"}). */
    public java.util.List<String> routes() {
        return app.routes();
    }

    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    @Override
    public void close() {
        stop();
        if (!onLoopbackOnly) {
            TestDocker.cleanUp(run);
        }
    }
}
