package io.berth.backend.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.berth.backend.BackendException;
import io.berth.backend.HostCapacity;
import io.berth.backend.Labels;
import io.berth.backend.ServiceUsage;
import io.berth.backend.UsageTarget;
import io.berth.backend.VolumeUsage;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Berth's running containers use, read from the engine both backends talk to (for Swarm: the manager's own
 * node). One stats call per container, {@code GET /containers/{id}/stats?stream=false&one-shot=true} (Engine API
 * 1.41, Docker 20.10): without {@code one-shot} the engine waits for a second collection to fill
 * {@code precpu_stats}, 1–2 s per call; with it the call returns after the engine's next collection tick (measured
 * on Docker 20.10.24: 0–1 s, and ten calls in parallel finish together in about 1 s). docker-java 3.7's
 * {@code statsCmd} has no one-shot, so the call goes through {@link DockerCalls#sample} as raw HTTP; Berth computes
 * CPU rates from two of its own readings instead of {@code precpu_stats}. Volume sizes come from one
 * {@code GET /system/df?type=volume} for all volumes (engines before API 1.42 ignore {@code type} and also count
 * images and containers: one call every few minutes still).
 */
public final class UsageReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INFO_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CAPACITY_RETRY = Duration.ofMinutes(1);

    private final DockerCalls docker;
    private final BerthConfig.Docker config;
    private final Ownership ownership;
    /** The engine's cores and memory, once read: they change only when the host is rebuilt (and Berth restarted). */
    private volatile HostCapacity capacity;
    private volatile long capacityFailedAt = System.nanoTime() - CAPACITY_RETRY.toNanos() - 1;

    public UsageReader(DockerCalls docker, BerthConfig.Docker config, Ownership ownership) {
        this.docker = docker;
        this.config = config;
        this.ownership = ownership;
    }

    /** Berth's running service containers on this engine (one list call). */
    public List<UsageTarget> targets() {
        List<Container> found = docker.call("list containers", c -> c.listContainersCmd()
                .withLabelFilter(ownership.instanceFilter()).withStatusFilter(List.of("running")).exec());
        List<UsageTarget> targets = new ArrayList<>();
        for (Container container : found) {
            Map<String, String> labels = Objects.requireNonNullElse(container.getLabels(), Map.of());
            String owner = labels.get(Labels.USER);
            String stack = labels.get(Labels.STACK);
            String service = labels.get(Labels.SERVICE);
            if (owner != null && stack != null && service != null) {
                targets.add(new UsageTarget(new StackRef(owner, stack), service, container.getId()));
            }
        }
        return targets;
    }

    /** One reading of {@code target}'s counters; see the class comment for the call's cost. */
    public ServiceUsage read(UsageTarget target, Duration timeout) throws BackendException {
        String body;
        try {
            body = docker.sample("stats " + target.containerId(), "/containers/" + target.containerId()
                    + "/stats?stream=false&one-shot=true", timeout);
        } catch (NotFoundException e) {
            throw new BackendException("the container of \"" + target.service() + "\" is gone");
        } catch (DockerCalls.Timeout e) {
            throw new BackendException("reading what \"" + target.service() + "\" uses timed out: " + e.getMessage(),
                    new java.util.concurrent.TimeoutException(e.getMessage()));
        } catch (RuntimeException e) {
            throw new BackendException("reading what \"" + target.service() + "\" uses failed: "
                    + Causes.shortCause(e), e);
        }
        try {
            return parse(target, JSON.readTree(body));
        } catch (IOException | RuntimeException e) {
            throw new BackendException("the engine's stats of \"" + target.service() + "\" could not be read: " + e);
        }
    }

    /** A stats answer as a reading; fields an engine leaves out count as 0. */
    static ServiceUsage parse(UsageTarget target, JsonNode stats) {
        JsonNode memory = stats.path("memory_stats");
        JsonNode detail = memory.path("stats");
        // cgroup v1 reports the hierarchy's total_inactive_file, v2 only inactive_file (docker stats does the same)
        long inactive = detail.has("total_inactive_file") ? detail.path("total_inactive_file").asLong()
                : detail.path("inactive_file").asLong();
        long usage = memory.path("usage").asLong();
        long rx = 0;
        long tx = 0;
        for (JsonNode network : stats.path("networks")) {
            rx += network.path("rx_bytes").asLong();
            tx += network.path("tx_bytes").asLong();
        }
        long read = 0;
        long write = 0;
        for (JsonNode entry : stats.path("blkio_stats").path("io_service_bytes_recursive")) {
            String op = entry.path("op").asText("");
            if (op.equalsIgnoreCase("read")) {
                read += entry.path("value").asLong();
            } else if (op.equalsIgnoreCase("write")) {
                write += entry.path("value").asLong();
            }
        }
        Instant at;
        try {
            at = Instant.parse(stats.path("read").asText());
        } catch (RuntimeException e) {
            at = Instant.now();
        }
        return new ServiceUsage(target, at, stats.path("cpu_stats").path("cpu_usage").path("total_usage").asLong(),
                Math.max(0, usage - inactive), memory.path("limit").asLong(), rx, tx, read, write);
    }

    /** The size of every named volume of this Berth (by its instance label), in one call. */
    public List<VolumeUsage> volumes() {
        String body = docker.get("volume sizes", "/system/df?type=volume");
        List<VolumeUsage> out = new ArrayList<>();
        try {
            for (JsonNode volume : JSON.readTree(body).path("Volumes")) {
                JsonNode labels = volume.path("Labels");
                if (!config.namePrefix.equals(labels.path(Labels.INSTANCE).asText(null))
                        || !labels.has(Labels.USER) || !labels.has(Labels.VOLUME)) {
                    continue;
                }
                long size = volume.path("UsageData").path("Size").asLong(-1);
                if (size >= 0) {
                    out.add(new VolumeUsage(labels.path(Labels.USER).asText(),
                            labels.has(Labels.STACK) ? labels.path(Labels.STACK).asText() : null,
                            labels.path(Labels.VOLUME).asText(), size));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the engine's volume sizes could not be read: " + e, e);
        }
        return out;
    }

    /**
     * The engine host's cores and memory (one info call, the first time it succeeds), or empty when it fails; after
     * a failure the next minute's callers get empty at once rather than each waiting out an engine that is down.
     */
    public Optional<HostCapacity> capacity() {
        if (capacity == null && System.nanoTime() - capacityFailedAt > CAPACITY_RETRY.toNanos()) {
            try {
                var info = docker.call("info", INFO_TIMEOUT, c -> c.infoCmd().exec());
                if (info.getNCPU() != null && info.getMemTotal() != null) {
                    capacity = new HostCapacity(info.getNCPU(), info.getMemTotal());
                }
            } catch (RuntimeException e) {
                capacityFailedAt = System.nanoTime();
            }
        }
        return Optional.ofNullable(capacity);
    }
}
