package io.berth.backend.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker command line, for tests to set up and check engine state independently of the code under test, and to
 * remove every object of one test run (by its {@code berth.test} label) whatever the test left behind.
 */
final class DockerCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerCli() { }

    /** Runs {@code docker args…}; fails the test when the command fails. */
    static String docker(String... args) throws IOException, InterruptedException {
        Result result = run(args);
        assertThat(result.exitCode()).as("docker %s: %s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    /** Whether an object of that kind ("container", "network", "volume") and name exists. */
    static boolean exists(String kind, String name) throws IOException, InterruptedException {
        return run(kind, "inspect", name).exitCode() == 0;
    }

    /** {@code docker <kind> inspect <name>}, parsed: the object itself, not the one-element array. */
    static JsonNode inspect(String kind, String name) throws IOException, InterruptedException {
        return JSON.readTree(docker(kind, "inspect", name)).get(0);
    }

    /** Removes the containers (with anonymous volumes), networks and volumes labelled {@code berth.test=tag}. */
    static void removeEverythingLabelled(String tag) throws IOException, InterruptedException {
        String filter = "label=berth.test=" + tag;
        removeAll(List.of("rm", "-f", "-v"), docker("ps", "-aq", "--filter", filter));
        removeAll(List.of("network", "rm"), docker("network", "ls", "-q", "--filter", filter));
        removeAll(List.of("volume", "rm", "-f"), docker("volume", "ls", "-q", "--filter", filter));
    }

    private static void removeAll(List<String> command, String ids) throws IOException, InterruptedException {
        if (!ids.isBlank()) {
            List<String> args = new ArrayList<>(command);
            args.addAll(ids.strip().lines().toList());
            docker(args.toArray(String[]::new));
        }
    }

    record Result(int exitCode, String output) { }

    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("docker " + String.join(" ", args) + " did not finish within 30 s");
        }
        return new Result(process.exitValue(), output);
    }
}
