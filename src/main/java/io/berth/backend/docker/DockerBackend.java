package io.berth.backend.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Network;
import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.HostCapacity;
import io.berth.backend.ExecResult;
import io.berth.backend.Labels;
import io.berth.backend.ObjectNames;
import io.berth.backend.OomKill;
import io.berth.backend.ServiceStatus;
import io.berth.backend.StackData;
import io.berth.backend.UsageTarget;
import io.berth.backend.VolumeUsage;
import io.berth.backend.ServiceUsage;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.engine.Causes;
import io.berth.backend.engine.ContainerExec;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.HealthCache;
import io.berth.backend.engine.HealthCheck;
import io.berth.backend.engine.LogStreams;
import io.berth.backend.engine.OomWatch;
import io.berth.backend.engine.Ownership;
import io.berth.backend.engine.StackStart;
import io.berth.backend.engine.StackStart.Made;
import io.berth.backend.engine.UsageReader;
import io.berth.backend.engine.Volumes;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each stack on one Docker engine as a bridge network plus one container per service (made by
 * {@link ContainerFactory}; stopped by {@link GracefulStop}), reached by the proxy at the container's address on that network; only the TCP ports a
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
    private final UsageReader usage;
    private final ContainerFactory containers;
    private final Restarts restarts;
    private final LogStreams logStreams;
    private final ContainerLogs logs;
    private final HealthCache health = new HealthCache();
    private final StackStart starts;
    private final GracefulStop stops;
    private final ContainerExec exec;
    private final DockerStackData data;

    public DockerBackend(BerthConfig.Docker config) {
        this.config = config;
        this.docker = new DockerCalls(config.host);
        this.probe = new ServiceProbe(docker);
        this.ownership = new Ownership(config);
        this.volumes = new Volumes(docker, config, ownership);
        this.usage = new UsageReader(docker, config, ownership);
        this.containers = new ContainerFactory(docker, config, ownership);
        this.logStreams = new LogStreams(config.host);
        this.logs = new ContainerLogs(docker, config, ownership, logStreams);
        this.restarts = new Restarts(docker, config);
        this.stops = new GracefulStop(docker);
        this.exec = new ContainerExec(docker);
        this.data = new DockerStackData(docker, config, ownership);
        this.starts = new StackStart("Docker", "", health, this::unavailable, volumes, config.startTimeoutSeconds);
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
        return starts.start(spec, progress, new ContainerSteps());
    }

    @Override
    public void stop(StackRef ref, Progress progress) {
        List<Container> found = containersOf(ref);
        if (found.isEmpty()) {
            LOG.debug("stack \"{}\" of \"{}\": no containers to remove", ref.stack(), ref.owner());
            return;
        }
        long began = System.nanoTime();
        stops.stop(ref, found, progress);
        LOG.info("stack \"{}\" of \"{}\": stopped and removed {} container(s) in {} ms", ref.stack(), ref.owner(),
                found.size(), (System.nanoTime() - began) / 1_000_000);
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
    public ExecResult exec(StackRef ref, String service, List<String> command, Duration timeout)
            throws BackendException {
        return exec.run(ObjectNames.container(config.namePrefix, ref, service), "\"" + service + "\"", command,
                timeout);
    }

    @Override
    public Optional<StackData> data() {
        return Optional.of(data);
    }

    @Override
    public List<UsageTarget> usageTargets() {
        return usage.targets();
    }

    @Override
    public ServiceUsage usage(UsageTarget target, Duration timeout) throws BackendException {
        return usage.read(target, timeout);
    }

    @Override
    public AutoCloseable watchOomKills(java.time.Instant since, java.util.function.Consumer<OomKill> listener) {
        return OomWatch.start(docker, config.host, ownership.instanceFilter(), since, listener);
    }

    @Override
    public List<VolumeUsage> volumeUsage() {
        return usage.volumes();
    }

    @Override
    public Optional<HostCapacity> capacity() {
        return usage.capacity();
    }

    @Override
    public void close() {
        logStreams.close();
        docker.close();
    }

    /** A start's steps on one engine: a bridge network and one container per service. */
    private final class ContainerSteps implements StackStart.Steps {
        @Override
        public void check(StackSpec spec, Progress progress) throws BackendException {
            docker.requireImages(spec, progress, "the Docker engine",
                    "build it here (see deploy/images/) or map it to a local image.");
        }

        @Override
        public String network(StackRef ref, Progress progress, Made made) throws BackendException {
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
            made.network(name);
            return name;
        }

        @Override
        public String service(StackRef ref, String network, ServiceSpec service, List<Mount> mounts,
                              Progress progress, Made made) throws BackendException {
            return containers.ensure(ref, network, service, mounts, progress, made.services());
        }

        @Override
        public Endpoint healthy(ServiceSpec service, String id, HealthCheck check, String network, long deadline)
                throws BackendException {
            InspectContainerResponse info = probe.awaitHealthy(service.name(), check, id, network, deadline,
                    config.startTimeoutSeconds);
            containers.keepRunning(id);
            return new Endpoint(service.name(), ServiceProbe.address(info, network), service.port(),
                    PublishedPorts.of(info));
        }

        /** Removes what this start created, newest first; the start's own error stays the one reported. */
        @Override
        public void undo(StackRef ref, Made made, BackendException failure) {
            for (int i = made.services().size() - 1; i >= 0; i--) {
                String id = made.services().get(i);
                try {
                    docker.removeContainer(id);
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                    LOG.warn("stack \"{}\" of \"{}\": could not remove container {}: {}",
                            ref.stack(), ref.owner(), id, e.toString());
                }
            }
            volumes.undo(ref, made.volumes(), failure);
            if (made.network() != null) {
                try {
                    docker.removeNetwork(made.network());
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                    LOG.warn("stack \"{}\" of \"{}\": could not remove network \"{}\": {}", ref.stack(),
                            ref.owner(), made.network(), e.toString());
                }
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
