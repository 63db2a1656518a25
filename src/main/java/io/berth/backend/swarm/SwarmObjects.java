package io.berth.backend.swarm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.Service;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.Ownership;
import io.berth.model.StackRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Swarm services and networks of Berth's stacks on the manager: finding them by name and labels, and removing
 * them in the order Swarm allows (a service's containers go away after the service, asynchronously, and a network or
 * volume in use cannot be removed until they have).
 */
final class SwarmObjects {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmObjects.class);
    /** How long a removal waits for Swarm to take the tasks' containers away before removing network and volumes. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final DockerCalls docker;
    private final Ownership ownership;
    /** The swarm node id of the engine Berth talks to, once asked. */
    private volatile String localNode;
    /** Nodes' addresses: asked again after a minute (a node that rejoined), not on every reconcile pass. */
    private final Cache<String, Optional<String>> nodeAddresses = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1)).build();

    SwarmObjects(DockerCalls docker, Ownership ownership) {
        this.docker = docker;
        this.ownership = ownership;
    }

    /** Ports published for clients: Swarm's choice on every node (routing mesh), or on the task's node. */
    static Map<Integer, Integer> published(Service service, Tasks.Task task) {
        Map<Integer, Integer> ports = new TreeMap<>(task == null ? Map.of() : task.published());
        PortConfig[] mesh = service == null || service.getEndpoint() == null ? null : service.getEndpoint().getPorts();
        for (PortConfig port : mesh == null ? new PortConfig[0] : mesh) {
            if (port.getPublishMode() == PortConfig.PublishMode.ingress && port.getPublishedPort() > 0) {
                ports.putIfAbsent(port.getTargetPort(), port.getPublishedPort());
            }
        }
        return Map.copyOf(ports);
    }

    /**
     * Where clients reach the ports a task publishes on its own node ({@code routing_mesh: false}): that node's
     * address, or null when it is the node Berth talks to (which {@code server.public_host} names) or when the task
     * publishes nothing.
     */
    String publishedHost(Tasks.Task task) {
        if (task == null || task.published().isEmpty()) {
            return null;
        }
        String local = localNode;
        if (local == null) {
            var swarm = docker.call("info", c -> c.infoCmd().exec()).getSwarm();
            local = localNode = swarm == null ? "" : swarm.getNodeID();
        }
        if (task.nodeId().equals(local)) {
            return null;
        }
        return nodeAddresses.get(task.nodeId(), id -> docker.call("inspect node " + id, c -> c.listSwarmNodesCmd()
                .withIdFilter(List.of(id)).exec()).stream()
                .filter(n -> id.equals(n.getId()) && n.getStatus() != null && n.getStatus().getAddress() != null)
                .map(n -> n.getStatus().getAddress()).findFirst()).orElse(null);
    }

    Service withId(String id) {
        return docker.call("inspect service " + id, c -> c.inspectServiceCmd(id).exec());
    }

    /** The service of exactly that name, or null (the engine's name filter also matches prefixes). */
    Service named(String name) {
        return docker.call("list services", c -> c.listServicesCmd().withNameFilter(List.of(name)).exec()).stream()
                .filter(s -> s.getSpec() != null && name.equals(s.getSpec().getName())).findFirst().orElse(null);
    }

    List<Service> ofStack(StackRef ref) {
        return docker.call("list services", c -> c.listServicesCmd().withLabelFilter(ownership.instanceFilter())
                .exec()).stream().filter(s -> s.getSpec() != null && ownership.ofStack(s.getSpec().getLabels(), ref))
                .toList();
    }

    void remove(String id) {
        try {
            docker.call("remove service " + id, c -> c.removeServiceCmd(id).exec());
        } catch (NotFoundException e) {
            LOG.debug("service {} already gone", id);
        }
    }

    /** Swarm removes a service's containers after the service, asynchronously: network and volumes wait for that. */
    void awaitContainersGone(StackRef ref) {
        long until = System.nanoTime() + DRAIN.toNanos();
        while (System.nanoTime() - until < 0 && !docker.call("list containers", c -> c.listContainersCmd()
                .withShowAll(true).withLabelFilter(ownership.instanceFilter()).exec()).stream()
                .filter(c -> ownership.ofStack(c.getLabels(), ref)).toList().isEmpty()) {
            sleep(200);
        }
    }

    /** Removes the network, retrying while Swarm is still taking endpoints of removed tasks off it. */
    void removeNetwork(String name) {
        long until = System.nanoTime() + DRAIN.toNanos();
        while (true) {
            try {
                docker.removeNetwork(name);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() - until > 0) {
                    throw e;
                }
                sleep(500);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
