package io.berth.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak for the single sign-on tests: the distribution from Maven Central (unpacked by
 * {@code deploy/prepare-host.sh --test}), run in dev mode on 127.0.0.1 with the realm in
 * {@code tests/resources/keycloak/berth-realm.json} (users alice, bob, carol, dora and more; clients {@code berth} and
 * {@code other-app}; an administrator of the master realm for {@link KeycloakAdmin}). One start per
 * test JVM, shared by every test that needs it and begun early by {@link KeycloakWarmup}; the first start on this
 * machine takes 1-2 minutes, later ones 30-70 s. Its log is {@code target/keycloak.log}. While working on the tests,
 * {@code BERTH_TEST_KEYCLOAK_PORT} points them at a Keycloak already running with the test realm.
 */
public final class Keycloak {
    public static final String REALM = "berth";
    /** Keycloak's own administrator (master realm), for {@link KeycloakAdmin}. */
    public static final String ADMIN = "kc-admin";
    public static final String ADMIN_PASSWORD = "kc-admin-pass-1";
    public static final String DEFAULT_HOME = "/var/cache/berth-test/keycloak-26.7.3";
    private static final Duration READY_WITHIN = Duration.ofSeconds(240);
    private static CompletableFuture<Keycloak> starting;

    private final int port;
    private final Process process;

    private Keycloak(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** The shared Keycloak, started if nobody started it yet; waits until it answers. */
    public static Keycloak shared() {
        startInBackground();
        try {
            return starting.get(READY_WITHIN.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("Keycloak did not start: " + e + "\n" + logTail(), e);
        }
    }

    /** Begins starting the shared Keycloak on a daemon thread, once; returns at once. */
    public static synchronized void startInBackground() {
        if (starting == null) {
            starting = CompletableFuture.supplyAsync(Keycloak::start, runnable -> {
                Thread t = new Thread(runnable, "keycloak-start");
                t.setDaemon(true);
                t.start();
            });
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    public String discoveryUrl() {
        return issuer() + "/.well-known/openid-configuration";
    }

    public int port() {
        return port;
    }

    public String clientId() {
        return "berth";
    }

    public String clientSecret() {
        return "berth-test-secret";
    }

    /**
     * Where {@code deploy/prepare-host.sh --test} unpacks Keycloak; {@code BERTH_TEST_KEYCLOAK_HOME} (a system property
     * or the environment) overrides it.
     */
    private static Path home() {
        String configured = System.getProperty("BERTH_TEST_KEYCLOAK_HOME", System.getenv("BERTH_TEST_KEYCLOAK_HOME"));
        return Path.of(configured != null ? configured : DEFAULT_HOME);
    }

    private static Path log() {
        return Path.of("target/keycloak.log").toAbsolutePath();
    }

    private static Keycloak start() {
        String running = System.getenv("BERTH_TEST_KEYCLOAK_PORT"); // one started by hand, with the test realm
        if (running != null) {
            return new Keycloak(Integer.parseInt(running), null);
        }
        Path home = home();
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak at " + home + ": run deploy/prepare-host.sh --test");
        }
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (InputStream realm = Keycloak.class.getResourceAsStream("/keycloak/berth-realm.json")) {
                Files.copy(realm, imports.resolve("berth-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            int port = freePort();
            Files.createDirectories(log().getParent());
            ProcessBuilder kc = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev", "--import-realm",
                    "--db=dev-mem", "--http-host=127.0.0.1", "--http-port=" + port, "--health-enabled=false")
                    .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log().toFile());
            kc.environment().put("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64");
            kc.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
            // an administrator of the master realm, so tests can change users as a facility's admin would
            kc.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
            kc.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            long began = System.nanoTime();
            Process process = kc.start();
            Keycloak keycloak = new Keycloak(port, process);
            Runtime.getRuntime().addShutdownHook(new Thread(keycloak::stop, "keycloak-stop"));
            keycloak.awaitReady();
            System.out.printf("Keycloak ready on port %d after %.1f s%n", port, (System.nanoTime() - began) / 1e9);
            return keycloak;
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak did not start: " + e + "\n" + logTail(), e);
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(discoveryUrl())).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Stacks.sleep(500);
        }
        stop();
        throw new IllegalStateException("Keycloak did not answer within " + READY_WITHIN + ":\n" + logTail());
    }

    private void stop() {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : all) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                Stacks.sleep(100);
            }
            p.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log() + ")";
        }
    }
}
