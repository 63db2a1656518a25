package io.berth.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Berth as a separate JVM, started the way an operator starts it ({@code io.berth.Main --config berth.yaml}),
 * so a test can kill it with SIGKILL — no shutdown hook, no clean close — and start it again on the same data.
 */
public final class BerthProcess {
    private final BerthInstance instance;
    private final int port;
    private Process process;
    private String more = "";
    private String storeUrl;
    private String storeUser;

    public BerthProcess(BerthInstance instance) throws IOException {
        this.instance = instance;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    private final java.util.Map<String, String> env = new java.util.HashMap<>();

    /** An environment variable for the next {@link #start()} ({@code BERTH_…} keys override berth.yaml). */
    public BerthProcess withEnv(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Another store than the instance's H2 file for the next {@link #start()} (PostgreSQL: user, no password). */
    public BerthProcess withStore(String url, String user) {
        this.storeUrl = url;
        this.storeUser = user;
        return this;
    }

    /** More berth.yaml for the next {@link #start()} (top-level sections not written otherwise, e.g. logging). */
    public BerthProcess withYaml(String more) {
        this.more = more;
        return this;
    }

    public BerthProcess start() throws IOException, InterruptedException {
        var c = instance.config();
        Path yaml = instance.home.resolve("berth.yaml");
        Files.writeString(yaml, """
                server: {port: %d}
                store: {url: "%s", user: "%s"}
                catalog: {dir: "%s"}
                proxy: {path_routing: all}
                docker:
                  name_prefix: %s
                  labels: {%s: %s}
                """.formatted(port, storeUrl == null ? c.store.url : storeUrl, storeUser == null ? c.store.user : storeUser,
                c.catalog.dir, c.docker.namePrefix, TestDocker.TEST_LABEL,
                instance.run) + more);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.berth.Main", "--config", yaml.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.home.resolve("berth.log").toFile()));
        pb.environment().put("BERTH_ADMIN_PASSWORD", BerthInstance.ADMIN_PASSWORD);
        pb.environment().putAll(env);
        process = pb.start();
        waitForHealth();
        return this;
    }

    /** SIGKILL: what a crash or an OOM kill does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Starts Berth as the README's Run line does: in the instance's folder ({@code ./data}, {@code ./templates}), with
     * no berth.yaml and no {@code --config}, only three environment variables: the port (the Run line's 8000 may be
     * taken), the name prefix (so the test's containers are its own) and the admin password. Everything else is
     * Berth's defaults: host routing, published ports on all addresses, the host's name in connection strings.
     * Clean up with {@link TestDocker#cleanUpInstance}.
     */
    public BerthProcess startLikeRunLine() throws IOException, InterruptedException {
        Files.deleteIfExists(instance.home.resolve("berth.yaml"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.berth.Main")
                .directory(instance.home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.home.resolve("berth.log").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("BERTH_"));
        pb.environment().put("BERTH_SERVER_PORT", Integer.toString(port));
        pb.environment().put("BERTH_DOCKER_NAME_PREFIX", instance.run);
        pb.environment().put("BERTH_ADMIN_PASSWORD", BerthInstance.ADMIN_PASSWORD);
        process = pb.start();
        waitForHealth();
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String log() throws IOException {
        return Files.readString(instance.home.resolve("berth.log"));
    }

    private void waitForHealth() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Berth exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Berth did not answer on " + url() + " within 30 s:\n" + log());
    }
}
