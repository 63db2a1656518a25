package io.berth.testing;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;
import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Docker daemon of this test's own, on the host's dockerd binary: own socket, data root, exec root (so its own
 * containerd) and default bridge; no iptables changes. Deliberately without {@code --bridge none} and without
 * {@code --default-address-pool}: with either, dockerd deletes the host's {@code docker0} interface at start-up
 * (moby's {@code removeDefaultBridgeInterface}). Its user networks avoid the host engine's subnets because dockerd
 * skips pools that overlap a host route.
 */
public final class PrivateDockerd implements AutoCloseable {
    private final Path dir;
    private final String bridge;
    private final List<String> command;
    private Process process;

    private PrivateDockerd(Path dir, String bridge) {
        this.dir = dir;
        this.bridge = bridge;
        this.command = List.of("dockerd", "--host", host(dir), "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("docker.pid").toString(),
                "--bridge", bridge, "--iptables=false", "--ip-masq=false");
    }

    public static PrivateDockerd start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("berth-dockerd-");
        String bridge = "bd" + Long.toString(ProcessHandle.current().pid() % 100000) + "x"
                + ThreadLocalRandom.current().nextInt(100);
        int net = ThreadLocalRandom.current().nextInt(256);
        sh("ip", "link", "add", "name", bridge, "type", "bridge");
        PrivateDockerd d = new PrivateDockerd(dir, bridge);
        try {
            sh("ip", "addr", "add", "10.212." + net + ".1/24", "dev", bridge);
            sh("ip", "link", "set", bridge, "up");
            d.startDaemon();
            return d;
        } catch (RuntimeException | IOException | InterruptedException e) {
            d.close();
            throw e;
        }
    }

    public String host() {
        return host(dir);
    }

    private static String host(Path dir) {
        return "unix://" + dir.resolve("docker.sock");
    }

    /** Starts dockerd detached with its output appended to a log, as deploy/prepare-host.sh does; waits for it. */
    public void startDaemon() throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dockerd exited with " + process.exitValue() + ":\n" + log());
            }
            if (answers()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("dockerd did not answer on " + host() + " within 30 s:\n" + log());
    }

    /** SIGTERM to this daemon (by its own process), and waits until it has stopped its containers and exited. */
    public void stopDaemon() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("dockerd did not stop within 60 s");
        }
    }

    public boolean answers() {
        return answers(host());
    }

    /** Whether a Docker engine answers at {@code host} ({@code unix:///…}) within 10 s. */
    public static boolean answers(String host) {
        try {
            Process p = new ProcessBuilder("docker", "-H", host, "version", "--format", "{{.Server.Version}}")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Names of the containers of one stack on this engine. */
    public List<String> containers(String stack) {
        String out = docker("ps", "-a", "--format", "{{.Names}}", "--filter", "label=berth.stack=" + stack).trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    public String docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host()));
        cmd.addAll(List.of(args));
        return TestDocker.run(cmd);
    }

    public void buildDemoImage() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("deploy/images/demo/build.sh", TestDocker.DEMO_IMAGE)
                .redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("building the demo image on the private engine failed: " + out);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Removes everything on the private engine, stops it, removes its bridge and folders. */
    @Override
    public void close() throws InterruptedException {
        try {
            if (process != null && !process.isAlive() && Files.exists(dir.resolve("data"))) {
                startDaemon(); // start it once more so it can remove its containers cleanly
            }
            if (process != null && process.isAlive()) {
                String containers = docker("ps", "-aq").trim();
                if (!containers.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(List.of(containers.split("\\s+")));
                    docker(rm.toArray(String[]::new));
                }
                docker("network", "prune", "-f");
                docker("volume", "prune", "-f");
                stopDaemon();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("cleaning up the private dockerd in " + dir + " failed: " + e + "\n" + log());
            throw new IllegalStateException(e);
        } finally {
            sh("ip", "link", "del", bridge);
            if (process == null || !process.isAlive()) {
                sh("rm", "-rf", dir.toString());
            }
        }
    }

    private static void sh(String... command) {
        TestDocker.run(List.of(command));
    }
}
