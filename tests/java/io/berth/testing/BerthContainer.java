package io.berth.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Berth's image (berth/berth:dev) run as a plain container on the default bridge, the way a backend that attaches
 * Berth to the stacks' networks needs it: the host's Docker socket with its group, the test's berth.yaml
 * ({@code BERTH_CONFIG}) and catalog folder ({@code BERTH_CATALOG_DIR}) mounted read-only, its port published on
 * loopback. The container is named {@code <run>-berth} and labelled {@code berth.test=<run>}; its data lies in the
 * image's anonymous volume, removed with it.
 */
public final class BerthContainer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "container-admin-42";
    private static final String CONFIG = "/etc/berth/berth.yaml";
    private static final String CATALOG = "/etc/berth/catalog";
    private static final Duration READY_LIMIT = Duration.ofSeconds(90);

    private final String run;
    private final Path home;
    private String url;

    /** A container to be of test run {@code run}; add templates, then {@link #start(String)}. */
    public BerthContainer(String run) throws IOException {
        this.run = run;
        this.home = Files.createTempDirectory("berth-container-");
        // Berth runs as uid 990: what it reads must be readable by others (the temp folder itself is not mounted)
        Files.createDirectories(home.resolve("templates"));
        Files.setPosixFilePermissions(home.resolve("templates"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Adds a template file to the catalog folder (before or after the start: Berth re-reads the folder). */
    public BerthContainer template(String file, String text) throws IOException {
        Path path = home.resolve("templates").resolve(file);
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        return this;
    }

    /**
     * Writes {@code yaml} as Berth's berth.yaml, runs the image as it is now tagged and waits until {@code /readyz}
     * answers 200; fails with the container's log if it does not within 90 s or the container exits.
     */
    public BerthContainer start(String yaml) throws IOException {
        Path config = home.resolve("berth.yaml");
        Files.writeString(config, yaml);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        // by id, not by tag: berth/berth:dev is shared with other checkouts, which may retag it meanwhile
        String image = TestDocker.run(List.of("docker", "image", "inspect", "-f", "{{.Id}}", TestDocker.BERTH_IMAGE))
                .trim();
        String socketGroup = String.valueOf(Files.getAttribute(Path.of("/var/run/docker.sock"), "unix:gid"));
        TestDocker.run(List.of("docker", "run", "-d", "--name", name(), "--label", TestDocker.TEST_LABEL + "=" + run,
                "-v", "/var/run/docker.sock:/var/run/docker.sock", "--group-add", socketGroup,
                "-v", config + ":" + CONFIG + ":ro", "-v", home.resolve("templates") + ":" + CATALOG + ":ro",
                "-e", "BERTH_CONFIG=" + CONFIG, "-e", "BERTH_CATALOG_DIR=" + CATALOG,
                "-e", "BERTH_ADMIN_PASSWORD=" + ADMIN_PASSWORD, "-p", "127.0.0.1::8000",
                // as deploy/README.md runs it: joined to every stack's network, it must not route between them
                "--sysctl", "net.ipv4.ip_forward=0", image));
        String port = TestDocker.inspect(name(), "{{(index (index .NetworkSettings.Ports \"8000/tcp\") 0).HostPort}}");
        url = "http://127.0.0.1:" + port;
        waitUntilReady();
        return this;
    }

    /**
     * Starts Berth with {@code backend: swarm} as the Swarm tests run it: DNS round robin and host-mode ports (this
     * machine's kernel has no IPVS), objects named and labelled after the run, a reconcile pass every 2 s. Berth
     * finds its own container (no {@code swarm.berth_container}).
     */
    public BerthContainer startOnSwarm() throws IOException {
        return start("""
                server: {public_host: 127.0.0.1}
                proxy: {path_routing: all}
                backend: swarm
                swarm:
                  routing_mesh: false
                docker:
                  name_prefix: %s
                  labels: {%s: %s}
                  start_timeout_seconds: 60
                  reconcile_seconds: 2
                """.formatted(run, TestDocker.TEST_LABEL, run));
    }

    /**
     * Ends a Swarm test in the only safe order, each step even when one before failed: Berth first (running, it would
     * put back the services removed next), then the run's services, containers, networks and volumes, then the swarm
     * (which leaves only a swarm it made). Null parts were never started.
     */
    public static void tearDown(BerthContainer berth, String run, AutoCloseable swarm) throws Exception {
        try {
            if (berth != null) {
                berth.close();
            }
        } finally {
            try {
                if (swarm != null) {
                    TestDocker.cleanUpWithServices(run);
                }
            } finally {
                if (swarm != null) {
                    swarm.close();
                }
            }
        }
    }

    /** {@code http://127.0.0.1:<published port>}. */
    public String url() {
        return url;
    }

    /** The container's name, {@code <run>-berth} (what {@code swarm.berth_container} names). */
    public String name() {
        return run + "-berth";
    }

    /** The last 300 lines of the container's output (Berth's log), for assertion messages; never throws. */
    public String logs() {
        try {
            return TestDocker.run(List.of("docker", "logs", "--tail", "300", name()));
        } catch (IllegalStateException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void waitUntilReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!TestDocker.inspect(name(), "{{.State.Running}}").equals("true")) {
                throw new IllegalStateException("Berth's container " + name() + " exited with "
                        + TestDocker.inspect(name(), "{{.State.ExitCode}}") + "; log:\n" + logs());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/readyz"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException notYet) {
                last = notYet.toString(); // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Stacks.sleep(250);
        }
        throw new IllegalStateException("Berth in " + name() + " was not ready on " + url + "/readyz within "
                + READY_LIMIT.toSeconds() + " s (last: " + last + "); log:\n" + logs());
    }

    /** Removes the container with its data volume (-v) and the temp folder; already gone is fine. */
    @Override
    public void close() {
        try {
            if (TestDocker.exists(name())) {
                TestDocker.run(List.of("docker", "rm", "-f", "-v", name()));
            }
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind harms nothing
            }
        }
    }
}
