package io.berth.backend.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Network;
import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.Labels;
import io.berth.backend.ObjectNames;
import io.berth.backend.ServiceStatus;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.engine.Causes;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.HealthCache;
import io.berth.backend.engine.HealthCheck;
import io.berth.backend.engine.LogStreams;
import io.berth.backend.engine.Ownership;
import io.berth.backend.engine.Volumes;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each stack on one Docker engine as a bridge network plus one container per service (made by
 * {@link ContainerFactory}), reached by the proxy at the container's address on that network; only the TCP ports a
 * template publishes for clients outside Berth are published on the host. Data lives in named {@link Volumes}.
 * Objects are found again by name and labels, so a restarted Berth re-attaches to running stacks; objects without this
 * instance's labels are never touched.
 */
public final class DockerBackend implements Backend, AutoCloseable {
    /** Label holding a container's service port, so {@link #list()} can rebuild its endpoint after a restart. */
    public static final String PORT_LABEL = ContainerFactory.PORT_LABEL;

    private static final Logger LOG = LoggerFactory.getLogger(DockerBackend.class);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    private final BerthConfig.Docker config;
    private final DockerCalls docker;
    private final ServiceProbe probe;
    private final Ownership ownership;
    private final Volumes volumes;
    private final ContainerFactory containers;
    private final Restarts restarts;
    private final LogStreams logStreams;
    private final ContainerLogs logs;
    private final HealthCache health = new HealthCache();

    /** What one call of {@link #start} created, so a failed start removes exactly that. */
    private static final class Created {
        String network;
        final List<String> containers = new ArrayList<>();
        final List<String> volumes = new ArrayList<>();
    }

    public DockerBackend(BerthConfig.Docker config) {
        this.config = config;
        this.docker = new DockerCalls(config.host);
        this.probe = new ServiceProbe(docker);
        this.ownership = new Ownership(config);
        this.volumes = new Volumes(docker, config, ownership);
        this.containers = new ContainerFactory(docker, config, ownership);
        this.logStreams = new LogStreams(config.host);
        this.logs = new ContainerLogs(docker, config, ownership, logStreams);
        this.restarts = new Restarts(docker, config);
    }

    @Override
    public Optional<String> unavailable() {
        return health.get(() -> {
            try {
                docker.call("ping", PING_TIMEOUT, c -> c.pingCmd().exec());
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of("No Docker engine answers at " + config.host + ": " + Causes.shortCause(e));
            }
        });
    }

    @Override
    public boolean imagePresent(String image) {
        return docker.imagePresent(image);
    }

    @Override
    public List<Endpoint> start(StackSpec spec, Progress progress) throws BackendException {
        StackRef ref = spec.ref();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.startTimeoutSeconds);
        Created created = new Created();
        try {
            docker.requireImages(spec, progress, "the Docker engine",
                    "build it here (see deploy/images/) or map it to a local image.");
            String network = ensureNetwork(ref, progress, created);
            List<Endpoint> endpoints = new ArrayList<>();
            // In spec order, each one healthy before the next starts: that is how the template's depends_on is kept.
            for (ServiceSpec service : spec.services()) {
                List<Mount> mounts = volumes.ensure(ref, service.volumes(), progress, created.volumes);
                String id = containers.ensure(ref, network, service, mounts, progress, created.containers);
                HealthCheck check = HealthCheck.of(service);
                progress.step("Waiting for " + service.name() + " (" + check.describe() + ")");
                InspectContainerResponse info = probe.awaitHealthy(service.name(), check, id, network, deadline,
                        config.startTimeoutSeconds);
                containers.keepRunning(id);
                endpoints.add(new Endpoint(service.name(), ServiceProbe.address(info, network), service.port(),
                        PublishedPorts.of(info)));
            }
            LOG.info("stack \"{}\" of \"{}\" answers: {}", ref.stack(), ref.owner(), endpoints);
            return endpoints;
        } catch (BackendException e) {
            undo(ref, created, e);
            throw e;
        } catch (RuntimeException e) {
            health.forget(); // the engine may have gone away: ask again rather than quote a stale answer
            String reason = unavailable()
                    .orElse("Docker failed while starting the stack: " + Causes.shortCause(e));
            BackendException failure = new BackendException(reason, e);
            undo(ref, created, failure);
            throw failure;
        }
    }

    @Override
    public void stop(StackRef ref) {
        List<Container> found = containersOf(ref);
        for (Container container : found) {
            docker.removeContainer(container.getId());
        }
        if (found.isEmpty()) {
            LOG.debug("stack \"{}\" of \"{}\": no containers to remove", ref.stack(), ref.owner());
        } else {
            LOG.info("stack \"{}\" of \"{}\": removed {} container(s)", ref.stack(), ref.owner(), found.size());
        }
    }

    @Override
    public void remove(StackRef ref, boolean keepData) {
        stop(ref);
        String name = ObjectNames.network(config.namePrefix, ref);
        Network network = docker.networkNamed(name);
        if (network == null) {
            LOG.debug("stack \"{}\" of \"{}\": network \"{}\" already gone", ref.stack(), ref.owner(), name);
        } else if (!ownership.ofStack(network.getLabels(), ref)) {
            LOG.warn("stack \"{}\" of \"{}\": network \"{}\" lacks Berth's labels; leaving it",
                    ref.stack(), ref.owner(), name);
        } else {
            docker.removeNetwork(network.getId());
            LOG.info("stack \"{}\" of \"{}\": removed network \"{}\"", ref.stack(), ref.owner(), name);
        }
        if (!keepData) {
            volumes.removeOfStack(ref);
        }
    }

    @Override
    public List<ServiceStatus> list() {
        List<Container> found = docker.call("list containers", c -> c.listContainersCmd().withShowAll(true)
                .withLabelFilter(ownership.instanceFilter()).exec());
        List<ServiceStatus> statuses = new ArrayList<>();
        for (Container container : found) {
            Map<String, String> labels = Objects.requireNonNullElse(container.getLabels(), Map.of());
            String owner = labels.get(Labels.USER);
            String stack = labels.get(Labels.STACK);
            String service = labels.get(Labels.SERVICE);
            if (owner == null || stack == null || service == null) {
                continue; // carries our instance label but was not made by start(): not a service container
            }
            StackRef ref = new StackRef(owner, stack);
            boolean running = "running".equals(container.getState());
            Restarts.Count restarted = restarts.of(container);
            statuses.add(new ServiceStatus(ref, service, running, running ? endpoint(container, ref, service) : null,
                    Objects.requireNonNullElse(container.getStatus(), container.getState()),
                    "restarting".equals(container.getState()), restarted.restarts(), restarted.lastExit(),
                    restarted.first()));
        }
        return statuses;
    }

    @Override
    public LogStream logs(StackRef ref, String service, int tail, boolean follow, LogSink sink) {
        return logs.open(ref, service, tail, follow, sink);
    }

    @Override
    public void close() {
        logStreams.close();
        docker.close();
    }

    private String ensureNetwork(StackRef ref, Progress progress, Created created) throws BackendException {
        String name = ObjectNames.network(config.namePrefix, ref);
        Network existing = docker.networkNamed(name);
        if (existing != null) {
            Ownership.require(ownership.ofStack(existing.getLabels(), ref), "network", name);
            LOG.debug("stack \"{}\" of \"{}\": reusing network \"{}\"", ref.stack(), ref.owner(), name);
            return name;
        }
        progress.step("Creating network " + name);
        docker.call("create network " + name, c -> c.createNetworkCmd().withName(name).withDriver("bridge")
                .withCheckDuplicate(true).withLabels(ownership.stackLabels(ref)).exec());
        created.network = name;
        return name;
    }

    /** Removes what this start created, newest first; the start's own error stays the one reported. */
    private void undo(StackRef ref, Created created, BackendException failure) {
        LOG.warn("stack \"{}\" of \"{}\" failed to start: {}", ref.stack(), ref.owner(), failure.getMessage());
        for (int i = created.containers.size() - 1; i >= 0; i--) {
            String id = created.containers.get(i);
            try {
                docker.removeContainer(id);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                LOG.warn("stack \"{}\" of \"{}\": could not remove container {}: {}",
                        ref.stack(), ref.owner(), id, e.toString());
            }
        }
        volumes.undo(ref, created.volumes, failure);
        if (created.network != null) {
            try {
                docker.removeNetwork(created.network);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                LOG.warn("stack \"{}\" of \"{}\": could not remove network \"{}\": {}", ref.stack(), ref.owner(),
                        created.network, e.toString());
            }
        }
    }

    private List<Container> containersOf(StackRef ref) {
        // Filtered by instance on the engine, by user and stack here: label values may hold any character.
        return docker.call("list containers", c -> c.listContainersCmd().withShowAll(true)
                        .withLabelFilter(ownership.instanceFilter()).exec())
                .stream().filter(c -> ownership.ofStack(c.getLabels(), ref)).toList();
    }

    private Endpoint endpoint(Container container, StackRef ref, String service) {
        String port = container.getLabels().get(PORT_LABEL);
        Map<String, ContainerNetwork> networks = container.getNetworkSettings() == null ? null
                : container.getNetworkSettings().getNetworks();
        ContainerNetwork network = networks == null ? null : networks.get(ObjectNames.network(config.namePrefix, ref));
        if (port == null || network == null || network.getIpAddress() == null || network.getIpAddress().isEmpty()) {
            return null;
        }
        return new Endpoint(service, network.getIpAddress(), Integer.parseInt(port), PublishedPorts.of(container));
    }
}
