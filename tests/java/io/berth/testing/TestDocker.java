package io.berth.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker engine, as tests use it: makes sure the demo image exists (building it locally, as
 * deploy/images/demo/build.sh does) and removes everything a test run labelled {@code berth.test=<run>}.
 */
public final class TestDocker {
    public static final String DEMO_IMAGE = "berth/demo:latest";
    public static final String TEST_LABEL = "berth.test";

    private TestDocker() { }

    public static void ensureDemoImage() {
        run(List.of("deploy/images/demo/build.sh", DEMO_IMAGE));
    }

    /** Images of deploy/images/build.sh, built from Debian's packages, npm and Maven Central once per machine. */
    public static final String JUPYTER_IMAGE = "berth/jupyter:notebook6-bookworm";
    public static final String OMNIBOARD_IMAGE = "berth/omniboard:2.16.1";
    public static final String MONGO_STANDIN_IMAGE = "berth/mongo-standin:1.47.0";
    public static final String BERTH_IMAGE = "berth/berth:dev";

    /** Builds the named images of deploy/images/build.sh unless they exist (prepare-host --test built them). */
    public static void ensureImages(String... names) {
        var cmd = new java.util.ArrayList<>(List.of("deploy/images/build.sh"));
        cmd.addAll(List.of(names));
        run(cmd);
    }

    /** Removes every container, network and volume carrying {@code berth.test=<run>}; never anything else. */
    public static void cleanUp(String run) {
        removeAll("label=" + TEST_LABEL + "=" + run);
    }

    /** Removes what a Berth with {@code docker.name_prefix} {@code prefix} made (its {@code berth.instance} label). */
    public static void cleanUpInstance(String prefix) {
        removeAll("label=berth.instance=" + prefix);
    }

    private static void removeAll(String filter) {
        String containers = run(List.of("docker", "ps", "-aq", "--filter", filter)).trim();
        if (!containers.isEmpty()) {
            var cmd = new java.util.ArrayList<>(List.of("docker", "rm", "-f"));
            cmd.addAll(List.of(containers.split("\\s+")));
            run(cmd);
        }
        String networks = run(List.of("docker", "network", "ls", "-q", "--filter", filter)).trim();
        if (!networks.isEmpty()) {
            var cmd = new java.util.ArrayList<>(List.of("docker", "network", "rm"));
            cmd.addAll(List.of(networks.split("\\s+")));
            run(cmd);
        }
        String volumes = run(List.of("docker", "volume", "ls", "-q", "--filter", filter)).trim();
        if (!volumes.isEmpty()) {
            var cmd = new java.util.ArrayList<>(List.of("docker", "volume", "rm", "-f"));
            cmd.addAll(List.of(volumes.split("\\s+")));
            run(cmd);
        }
    }

    /**
     * {@link #cleanUp} for a run that made Swarm services: removes the services labelled {@code berth.test=<run>}
     * first (else Swarm would replace the task containers cleanUp removes), waits up to 30 s for their tasks'
     * containers to go (a network or volume still in use cannot be removed), then cleans up the rest, retrying
     * while the engine is still letting go of an overlay network's endpoints.
     */
    public static void cleanUpWithServices(String run) {
        List<String> services = services(run);
        if (!services.isEmpty()) {
            var cmd = new java.util.ArrayList<>(List.of("docker", "service", "rm"));
            cmd.addAll(services);
            run(cmd);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (services.stream().anyMatch(s -> !taskContainers(s).isEmpty()) && System.nanoTime() < deadline) {
                Stacks.sleep(250);
            }
            for (String service : services) {
                List<String> left = taskContainers(service);
                if (!left.isEmpty()) {
                    var rm = new java.util.ArrayList<>(List.of("docker", "rm", "-f", "-v"));
                    rm.addAll(left);
                    run(rm);
                }
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                cleanUp(run);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 5) {
                    throw e;
                }
                Stacks.sleep(1000);
            }
        }
    }

    /**
     * Names of the Swarm services carrying {@code berth.test=<run>}; none when this engine is not a swarm manager
     * (no swarm, so no services to list).
     */
    public static List<String> services(String run) {
        if (!run(List.of("docker", "info", "--format", "{{.Swarm.ControlAvailable}}")).trim().equals("true")) {
            return List.of();
        }
        String out = run(List.of("docker", "service", "ls", "--format", "{{.Name}}", "--filter",
                "label=" + TEST_LABEL + "=" + run)).trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** Ids of the containers (running or not) of a Swarm service's tasks, by the label Swarm puts on them. */
    public static List<String> taskContainers(String service) {
        String out = run(List.of("docker", "ps", "-aq", "--filter", "label=com.docker.swarm.service.name=" + service))
                .trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** Names of the volumes carrying {@code berth.test=<run>}. */
    public static List<String> volumes(String run) {
        String out = run(List.of("docker", "volume", "ls", "--format", "{{.Name}}", "--filter",
                "label=" + TEST_LABEL + "=" + run)).trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** Names of containers (running or not) carrying {@code berth.test=<run>}. */
    public static List<String> containers(String run) {
        String out = run(List.of("docker", "ps", "-a", "--format", "{{.Names}}", "--filter",
                "label=" + TEST_LABEL + "=" + run)).trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    public static List<String> networks(String run) {
        String out = run(List.of("docker", "network", "ls", "--format", "{{.Name}}", "--filter",
                "label=" + TEST_LABEL + "=" + run)).trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** Names of containers (running or not) of one stack of a test run ({@code berth.stack=<stack>}). */
    public static List<String> containers(String run, String stack) {
        String out = run(List.of("docker", "ps", "-a", "--format", "{{.Names}}", "--filter",
                "label=" + TEST_LABEL + "=" + run, "--filter", "label=berth.stack=" + stack)).trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** {@code docker inspect -f <format> <object>}, trimmed. */
    public static String inspect(String object, String format) {
        return run(List.of("docker", "inspect", "-f", format, object)).trim();
    }

    /** Whether a container or other object of that name or id exists on the engine. */
    public static boolean exists(String object) {
        try {
            Process p = new ProcessBuilder("docker", "inspect", object).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("docker inspect " + object + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
