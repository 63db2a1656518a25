package io.berth.backend.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.backend.engine.DockerCalls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads Swarm tasks from the Engine API's JSON, for what docker-java's {@code Task} lacks: a task's address on each
 * network it is attached to, and the ports published on its node ({@code mode: host}).
 */
final class Tasks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerCalls docker;

    Tasks(DockerCalls docker) {
        this.docker = docker;
    }

    /**
     * One task: the Swarm {@code state} ({@code running}, {@code failed}, {@code rejected}, …) against the state it
     * is meant to be in, why it is there ({@code message}, {@code err}), its container's exit code (null while it
     * runs), its address per network name, and its node's published ports (container port → node port).
     */
    record Task(String id, String serviceId, String nodeId, String desired, String state, String message, String err,
                Long exitCode, java.time.Instant timestamp, Map<String, String> addresses,
                Map<Integer, Integer> published) {

        boolean running() {
            return "running".equals(state) && "running".equals(desired);
        }

        /** Ended for good: Swarm starts another one (or gives up) instead. */
        boolean ended() {
            return List.of("complete", "failed", "rejected", "shutdown", "orphaned", "remove").contains(state);
        }

        /** Swarm's words for what became of it: "failed: task: non-zero exit (3)", "rejected: No such image: x". */
        String describe() {
            String why = err != null && !err.isEmpty() ? err : message;
            return state + (why == null || why.isEmpty() ? "" : ": " + why);
        }
    }

    /** The tasks of these services (ids or names), newest first; none for no services. */
    List<Task> of(Collection<String> services) {
        if (services.isEmpty()) {
            return List.of();
        }
        String filters;
        try {
            filters = JSON.writeValueAsString(Map.of("service", services));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String body = docker.get("list tasks", "/tasks?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8));
        List<Task> tasks = new ArrayList<>();
        try {
            for (JsonNode t : JSON.readTree(body)) {
                tasks.add(task(t));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the Docker engine's list of tasks is not JSON: " + e.getOriginalMessage(),
                    e);
        }
        tasks.sort((a, b) -> b.timestamp().compareTo(a.timestamp()));
        return tasks;
    }

    private static java.time.Instant instant(String text) {
        try {
            return java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.Instant.EPOCH;
        }
    }

    private static Task task(JsonNode t) {
        JsonNode status = t.path("Status");
        Map<String, String> addresses = new HashMap<>();
        for (JsonNode attachment : t.path("NetworksAttachments")) {
            String network = attachment.path("Network").path("Spec").path("Name").asText("");
            for (JsonNode address : attachment.path("Addresses")) {
                String ip = address.asText("");
                int slash = ip.indexOf('/');
                addresses.putIfAbsent(network, slash < 0 ? ip : ip.substring(0, slash));
            }
        }
        Map<Integer, Integer> published = new TreeMap<>();
        for (JsonNode port : status.path("PortStatus").path("Ports")) {
            // Docker 20.10 publishes a host-mode port on IPv4 and IPv6 with two different numbers, listed in that
            // order and without their addresses: the first is the IPv4 one, what compute nodes connect to.
            if ("tcp".equals(port.path("Protocol").asText("tcp")) && port.path("PublishedPort").asInt() > 0) {
                published.putIfAbsent(port.path("TargetPort").asInt(), port.path("PublishedPort").asInt());
            }
        }
        JsonNode exit = status.path("ContainerStatus").path("ExitCode");
        return new Task(t.path("ID").asText(), t.path("ServiceID").asText(), t.path("NodeID").asText(),
                t.path("DesiredState").asText(), status.path("State").asText(), status.path("Message").asText(""),
                status.path("Err").asText(""), exit.isNumber() ? exit.asLong() : null,
                instant(status.path("Timestamp").asText("")), Collections.unmodifiableMap(addresses),
                Collections.unmodifiableMap(published));
    }
}
