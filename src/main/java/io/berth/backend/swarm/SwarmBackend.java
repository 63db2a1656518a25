package io.berth.backend.swarm;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmInfo;
import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.HostCapacity;
import io.berth.backend.Labels;
import io.berth.backend.ObjectNames;
import io.berth.backend.OomKill;
import io.berth.backend.ServiceStatus;
import io.berth.backend.UsageTarget;
import io.berth.backend.VolumeUsage;
import io.berth.backend.ServiceUsage;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.engine.Causes;
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
import io.berth.config.Swarm;
import io.berth.model.StackRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each stack on a Docker Swarm as an attachable overlay network plus one replicated service (one task) per
 * template service, made by {@link ServiceSpecs}. Swarm places the tasks on its nodes and replaces one that dies,
 * possibly on another node; the proxy reaches each task at its address on the overlay network, which Berth's own
 * container joins ({@link OwnContainer}), and {@link #list()} reports the current address, so the reconciler follows
 * a task that moved. Names, labels and volumes are shared with the Docker backend ({@code backend/engine}), so the
 * same rules keep Berth off everyone else's objects.
 */
public final class SwarmBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmBackend.class);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    private final BerthConfig.Docker config;
    private final DockerCalls docker;
    private final Ownership ownership;
    private final Volumes volumes;
    private final UsageReader usage;
    private final ServiceSpecs specs;
    private final Tasks tasks;
    private final OwnContainer own;
    private final LogStreams logStreams;
    private final TaskProbe probe;
    private final SwarmObjects objects;
    private final HealthCache health = new HealthCache();
    private final StackStart starts;

    public SwarmBackend(BerthConfig.Docker config, Swarm swarm) {
        this.config = config;
        this.docker = new DockerCalls(config.host);
        this.ownership = new Ownership(config);
        this.volumes = new Volumes(docker, config, ownership);
        this.usage = new UsageReader(docker, config, ownership);
        this.specs = new ServiceSpecs(config, swarm);
        this.tasks = new Tasks(docker);
        this.own = new OwnContainer(docker, swarm.berthContainer);
        this.logStreams = new LogStreams(config.host);
        this.probe = new TaskProbe(tasks, logStreams);
        this.objects = new SwarmObjects(docker, ownership);
        this.starts = new StackStart("Docker Swarm", " on the swarm", health, this::unavailable, volumes,
                config.startTimeoutSeconds);
    }

    @Override
    public Optional<String> unavailable() {
        return health.get(() -> {
            try {
                SwarmInfo swarm = docker.call("info", PING_TIMEOUT, c -> c.infoCmd().exec()).getSwarm();
                LocalNodeState state = swarm == null ? null : swarm.getLocalNodeState();
                if (state != LocalNodeState.ACTIVE || !Boolean.TRUE.equals(swarm.getControlAvailable())) {
                    return Optional.of("The Docker engine at " + config.host + " is not a manager of an active"
                            + " swarm (state: " + (state == null ? "unknown" : state.getValue()) + "): run `docker"
                            + " swarm init` there, or point docker.host at a manager.");
                }
                return Optional.ofNullable(own.find().problem());
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
        return starts.start(spec, progress, new ServiceSteps());
    }

    /**
     * Removes the stack's Swarm services; each node then stops their tasks as {@code docker stop} does, with the
     * service's stop grace ({@link ServiceSpecs}), after this returns: there is no progress to report here, and the
     * services stop all at once, without the Docker backend's dependency order.
     */
    @Override
    public void stop(StackRef ref, Progress progress) {
        List<Service> found = objects.ofStack(ref);
        found.forEach(s -> objects.remove(s.getId()));
        LOG.info("stack \"{}\" of \"{}\": removed {} swarm service(s)", ref.stack(), ref.owner(), found.size());
    }

    @Override
    public void remove(StackRef ref, boolean keepData) {
        stop(ref);
        objects.awaitContainersGone(ref);
        String name = ObjectNames.network(config.namePrefix, ref);
        Network network = docker.networkNamed(name);
        if (network != null && ownership.ofStack(network.getLabels(), ref)) {
            OwnContainer.Found berth = own.find();
            if (berth.container() != null) {
                own.detach(berth.container().getId(), name);
            }
            objects.removeNetwork(name);
            LOG.info("stack \"{}\" of \"{}\": removed network \"{}\"", ref.stack(), ref.owner(), name);
        } else if (network != null) {
            LOG.warn("stack \"{}\" of \"{}\": network \"{}\" lacks Berth's labels; leaving it", ref.stack(),
                    ref.owner(), name);
        }
        if (!keepData) {
            volumes.removeOfStack(ref);
        }
    }

    @Override
    public List<ServiceStatus> list() {
        List<Service> services = docker.call("list services",
                c -> c.listServicesCmd().withLabelFilter(ownership.instanceFilter()).exec());
        Map<String, List<Tasks.Task>> byService = tasks.of(services.stream().map(Service::getId).toList()).stream()
                .collect(Collectors.groupingBy(Tasks.Task::serviceId));
        List<ServiceStatus> statuses = new ArrayList<>();
        for (Service service : services) {
            Map<String, String> labels = service.getSpec() == null ? null : service.getSpec().getLabels();
            if (labels == null || labels.get(Labels.USER) == null || labels.get(Labels.STACK) == null
                    || labels.get(Labels.SERVICE) == null) {
                continue;
            }
            StackRef ref = new StackRef(labels.get(Labels.USER), labels.get(Labels.STACK));
            String name = labels.get(Labels.SERVICE);
            List<Tasks.Task> of = byService.getOrDefault(service.getId(), List.of());
            Tasks.Task running = of.stream().filter(Tasks.Task::running).findFirst().orElse(null);
            String ip = running == null ? null : running.addresses().get(ObjectNames.network(config.namePrefix, ref));
            int port = Integer.parseInt(labels.getOrDefault(ServiceSpecs.PORT_LABEL, "0"));
            Endpoint endpoint = ip == null ? null
                    : new Endpoint(name, ip, port, SwarmObjects.published(service, running),
                    objects.publishedHost(running));
            // A replacement waits with desired state "ready" while the old task stops (a drained node) and the
            // restart delay passes, then "running"; the old one's status may be the newer meanwhile ("shutdown").
            Tasks.Task coming = running != null ? null : of.stream().filter(t -> !t.ended()
                    && List.of("running", "ready").contains(t.desired())).findFirst().orElse(null);
            String detail = running != null ? "running"
                    : coming != null ? "Swarm is starting a new task: " + coming.describe()
                    : of.isEmpty() ? "no task" : of.get(0).describe();
            statuses.add(new ServiceStatus(ref, name, endpoint != null, endpoint, detail, coming != null));
        }
        own.reattach(statuses.stream().map(st -> ObjectNames.network(config.namePrefix, st.stack())).toList());
        return statuses;
    }

    @Override
    public LogStream logs(StackRef ref, String service, int tail, boolean follow, LogSink sink) {
        String name = ObjectNames.container(config.namePrefix, ref, service);
        Service found;
        try {
            found = objects.named(name);
        } catch (RuntimeException e) {
            sink.end("The logs of \"" + service + "\" are unavailable: " + Causes.shortCause(e));
            return () -> { };
        }
        if (found == null || !ownership.ofStack(found.getSpec().getLabels(), ref)) {
            sink.end("Service \"" + service + "\" has no container: the stack is not running.");
            return () -> { };
        }
        return logStreams.follow(service, "logs of service " + name, sink, (c, callback) -> c.logServiceCmd(
                found.getId()).withStdout(true).withStderr(true).withFollow(follow)
                .withTail(tail < 0 ? null : tail).exec(callback));
    }

    /** Only the containers on the manager node Berth talks to: each engine reports its own containers' counters. */
    @Override
    public List<UsageTarget> usageTargets() {
        return usage.targets();
    }

    @Override
    public ServiceUsage usage(UsageTarget target, Duration timeout) throws BackendException {
        return usage.read(target, timeout);
    }

    /** Kills of the containers on the manager's own node only, as {@link #usageTargets}: its engine's events. */
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

    /**
     * A start's steps on the swarm: an overlay network that Berth's container joins, and one Swarm service per
     * service. One per start: the check finds Berth's container, the network step attaches it.
     */
    private final class ServiceSteps implements StackStart.Steps {
        private OwnContainer.Found berth;

        @Override
        public void check(StackSpec spec, Progress progress) throws BackendException {
            docker.requireImages(spec, progress, "the swarm's manager", "build it on every node that may run it"
                    + " (see deploy/images/) or map it to an image of the site's registry.");
            berth = own.find();
            if (berth.problem() != null) {
                throw new BackendException(berth.problem());
            }
        }

        @Override
        public String network(StackRef ref, Progress progress, Made made) throws BackendException {
            String network = ensureNetwork(ref, progress, made);
            if (!OwnContainer.networks(berth.container()).contains(network)) {
                own.attach(berth.container().getId(), network);
            }
            return network;
        }

        @Override
        public String service(StackRef ref, String network, ServiceSpec service, List<Mount> mounts,
                              Progress progress, Made made) throws BackendException {
            String name = ObjectNames.container(config.namePrefix, ref, service.name());
            Service existing = objects.named(name);
            if (existing != null) {
                Ownership.require(ownership.ofStack(existing.getSpec().getLabels(), ref), "service", name);
                progress.step("Reusing swarm service " + name);
                return existing.getId();
            }
            progress.step("Creating swarm service " + name);
            String id = docker.call("create service " + name, c -> c.createServiceCmd(
                    specs.of(ref, network, service, ownership.stackLabels(ref), mounts)).exec().getId());
            made.services().add(id);
            return id;
        }

        @Override
        public Endpoint healthy(ServiceSpec service, String id, HealthCheck check, String network, long deadline)
                throws BackendException {
            Tasks.Task task = probe.awaitHealthy(service.name(), id, check, network, deadline,
                    config.startTimeoutSeconds);
            return new Endpoint(service.name(), task.addresses().get(network), service.port(),
                    SwarmObjects.published(objects.withId(id), task), objects.publishedHost(task));
        }

        @Override
        public void undo(StackRef ref, Made made, BackendException failure) {
            try {
                for (int i = made.services().size() - 1; i >= 0; i--) {
                    objects.remove(made.services().get(i));
                }
                if (!made.volumes().isEmpty() || made.network() != null) {
                    objects.awaitContainersGone(ref);
                }
                volumes.undo(ref, made.volumes(), failure);
                if (made.network() != null) {
                    OwnContainer.Found now = own.find();
                    if (now.container() != null) {
                        own.detach(now.container().getId(), made.network());
                    }
                    objects.removeNetwork(made.network());
                }
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                LOG.warn("stack \"{}\" of \"{}\": could not undo the failed start: {}", ref.stack(), ref.owner(),
                        e.toString());
            }
        }
    }

    private String ensureNetwork(StackRef ref, Progress progress, Made made) throws BackendException {
        String name = ObjectNames.network(config.namePrefix, ref);
        Network existing = docker.networkNamed(name);
        if (existing != null) {
            Ownership.require(ownership.ofStack(existing.getLabels(), ref), "network", name);
            return name;
        }
        progress.step("Creating overlay network " + name);
        docker.call("create network " + name, c -> c.createNetworkCmd().withName(name).withDriver("overlay")
                .withAttachable(true).withCheckDuplicate(true).withLabels(ownership.stackLabels(ref)).exec());
        made.network(name);
        return name;
    }
}
