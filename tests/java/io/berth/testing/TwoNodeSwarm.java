package io.berth.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A two-node Docker Swarm on one machine: the host's engine as manager and a second dockerd (the host's binary) as a
 * worker in a network namespace of its own, joined to the host by a veth pair ({@code 10.213.N.1} on the host,
 * {@code .2} in the namespace), so that overlay traffic between the nodes is real VXLAN (UDP 4789) between two
 * network stacks. The worker's dockerd shares the host's mounts ({@code nsenter --net}, not {@code ip netns exec},
 * whose fresh /sys hides the cgroup mounts: "Devices cgroup isn't mounted"), has a hostname of its own (a UTS
 * namespace) and no iptables rules or docker0 of its own, and runs images it has without trying a registry first
 * ({@code DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1}: the namespace has no way out, and each try would hang ~20 s).
 * The swarm is made here ({@code docker swarm init} on the host engine, advertised on the veth), so it can only start
 * where the host engine is in no swarm ({@link #hostSwarmInactive()}); {@link #close()} takes all of it down.
 */
public final class TwoNodeSwarm implements AutoCloseable {
    private final int net = pickNet();
    private final String namespace = "berth-tn" + net;
    private final String hostVeth = "btn" + net + "h";
    private final String workerVeth = "btn" + net + "w";
    private final Path dir;
    private Process dockerd;
    private boolean namespaceMade;
    private boolean swarmMade;
    private String managerId;
    private String workerId;

    private TwoNodeSwarm() throws IOException {
        this.dir = Files.createTempDirectory("berth-worker-");
    }

    /** Whether the host engine is in no swarm: the only case in which {@link #start()} may make one. */
    public static boolean hostSwarmInactive() {
        return SwarmNode.state().equals("inactive");
    }

    /** The manager (host engine) and the worker, joined and both ready; on any failure takes down what it made. */
    public static TwoNodeSwarm start() throws IOException, InterruptedException {
        TwoNodeSwarm swarm = new TwoNodeSwarm();
        try {
            swarm.startWorkerEngine();
            swarm.join();
            return swarm;
        } catch (IOException | InterruptedException | RuntimeException e) {
            swarm.close();
            throw e;
        }
    }

    private void startWorkerEngine() throws IOException, InterruptedException {
        sh("ip", "netns", "add", namespace);
        namespaceMade = true;
        sh("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", workerVeth);
        sh("ip", "link", "set", workerVeth, "netns", namespace);
        sh("ip", "addr", "add", managerAddress() + "/24", "dev", hostVeth);
        sh("ip", "link", "set", hostVeth, "up");
        inNamespace("ip", "addr", "add", workerAddress() + "/24", "dev", workerVeth);
        inNamespace("ip", "link", "set", workerVeth, "up");
        inNamespace("ip", "link", "set", "lo", "up");
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=/run/netns/" + namespace, "unshare", "--uts", "sh",
                "-c", "hostname \"$0\" && exec \"$@\"", "berth-tn-worker", "dockerd", "--host", host(),
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString(), "--iptables=false", "--ip-masq=false",
                "--bridge=none") // no docker0 in the namespace to lose; tasks use docker_gwbridge and the overlay
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("DOCKER_SERVICE_PREFER_OFFLINE_IMAGE", "1");
        dockerd = pb.start(); // nsenter, unshare and sh exec: this is dockerd's own process
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!PrivateDockerd.answers(host())) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker's dockerd did not answer on " + host() + ":\n"
                        + workerLog());
            }
            Thread.sleep(200);
        }
    }

    private void join() {
        TestDocker.run(List.of("docker", "swarm", "init", "--advertise-addr", managerAddress()));
        swarmMade = true;
        managerId = TestDocker.run(List.of("docker", "info", "--format", "{{.Swarm.NodeID}}")).trim();
        String token = TestDocker.run(List.of("docker", "swarm", "join-token", "-q", "worker")).trim();
        worker("swarm", "join", "--token", token, "--advertise-addr", workerAddress(), managerAddress() + ":2377");
        workerId = worker("info", "--format", "{{.Swarm.NodeID}}").trim();
        Stacks.waitUntil(() -> TestDocker.run(List.of("docker", "node", "inspect", "-f", "{{.Status.State}}",
                workerId)).trim().equals("ready"), java.time.Duration.ofSeconds(30));
    }

    public String managerAddress() {
        return "10.213." + net + ".1";
    }

    public String workerAddress() {
        return "10.213." + net + ".2";
    }

    public String managerId() {
        return managerId;
    }

    public String workerId() {
        return workerId;
    }

    /** {@code docker -H <worker> args…}. */
    public String worker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host()));
        cmd.addAll(List.of(args));
        return TestDocker.run(cmd);
    }

    /** Copies an image of the host engine to the worker ({@code docker save | docker load}): no registry here. */
    public void copyImage(String image) {
        TestDocker.run(List.of("bash", "-o", "pipefail", "-c", "docker save " + image + " | docker -H " + host()
                + " load"));
    }

    /** {@code docker node update <args…> <node>} on the manager. */
    public void updateNode(String node, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "node", "update"));
        cmd.addAll(List.of(args));
        cmd.add(node);
        TestDocker.run(cmd);
    }

    /** The worker dockerd's output, for assertion messages. */
    public String workerLog() {
        try {
            return Files.readString(log());
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Takes down whatever {@link #start()} made, each step on its own (a failed one does not skip the rest) and only
     * once: the worker leaves and is removed, the manager leaves the swarm made here, the worker's dockerd stops,
     * the namespace, veth pair and folder go.
     */
    @Override
    public void close() {
        String worker = workerId;
        boolean ownSwarm = swarmMade;
        boolean ownNamespace = namespaceMade;
        workerId = null;
        swarmMade = false;
        namespaceMade = false;
        if (worker != null && dockerd != null && dockerd.isAlive()) {
            step(() -> worker("swarm", "leave", "--force"));
        }
        if (ownSwarm && worker != null) {
            step(() -> TestDocker.run(List.of("docker", "node", "rm", "--force", worker)));
        }
        if (ownSwarm) {
            step(() -> {
                if (SwarmNode.state().equals("active")) {
                    TestDocker.run(List.of("docker", "swarm", "leave", "--force"));
                }
            });
        }
        step(this::stopWorkerEngine);
        if (ownNamespace) {
            step(() -> sh("ip", "netns", "delete", namespace));
        }
        step(this::deleteHostVeth);
        step(() -> unmountUnder(dir));
        step(() -> sh("rm", "-rf", dir.toString()));
    }

    /** One step of {@link #close()}: a failure is reported and the next step runs all the same. */
    private static void step(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            System.err.println("taking down the two-node swarm: " + e.getMessage());
        }
    }

    private void stopWorkerEngine() {
        if (dockerd == null || !dockerd.isAlive()) {
            return;
        }
        try {
            String left = worker("ps", "-aq").trim();
            if (!left.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f", "-v"));
                rm.addAll(List.of(left.split("\\s+")));
                worker(rm.toArray(String[]::new));
            }
        } finally {
            dockerd.destroy(); // SIGTERM: dockerd stops its containerd and unmounts its layers
            try {
                if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
                    dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Mounts dockerd may leave under its folders (network namespaces, layers) would make rm -rf fail. */
    private static void unmountUnder(Path dir) {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" ")[1]).filter(m -> m.startsWith(dir + "/"))
                    .sorted(java.util.Comparator.reverseOrder()).toList();
            mounts.forEach(m -> sh("umount", "-l", m));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String host() {
        return "unix://" + dir.resolve("docker.sock");
    }

    private Path log() {
        return dir.resolve("dockerd.log");
    }

    private void inNamespace(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(List.of(command));
        TestDocker.run(cmd);
    }

    /** Usually gone with the namespace (its peer was in it), though the kernel may take a moment. */
    private void deleteHostVeth() {
        try {
            if (linkExists(hostVeth)) {
                sh("ip", "link", "delete", hostVeth);
            }
        } catch (IllegalStateException e) {
            if (linkExists(hostVeth)) {
                throw e;
            }
        }
    }

    private static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** A free 10.213.N.0/24: no route of the host in it, and no namespace of that name. */
    private static int pickNet() {
        String routes = TestDocker.run(List.of("ip", "-4", "route", "show"));
        for (int attempt = 0; attempt < 50; attempt++) {
            int n = ThreadLocalRandom.current().nextInt(1, 255);
            if (!routes.contains("10.213." + n + ".") && !Files.exists(Path.of("/run/netns/berth-tn" + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free 10.213.N.0/24 for the worker's veth pair");
    }

    private static void sh(String... command) {
        TestDocker.run(List.of(command));
    }
}
