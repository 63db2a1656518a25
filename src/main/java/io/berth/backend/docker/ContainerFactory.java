package io.berth.backend.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import io.berth.backend.Backend.Progress;
import io.berth.backend.BackendException;
import io.berth.backend.Labels;
import io.berth.backend.ObjectNames;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.Ownership;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and starts one service's container, hardened the same way for every template: limits from the template,
 * no privileges beyond a small capability set, no host paths (only the named volumes it is given), and published
 * ports only on {@code docker.publish_host}, with host ports Docker picks.
 */
final class ContainerFactory {
    /** Label holding a container's service port, so a listing can rebuild its endpoint after a restart. */
    static final String PORT_LABEL = "berth.port";
    /** Label holding a container's stop grace in seconds, read by {@link GracefulStop} (also after a restart). */
    static final String STOP_GRACE_LABEL = "berth.stop-grace";
    /** Label holding the services of its stack a container depends on, comma-separated, for {@link GracefulStop}. */
    static final String DEPENDS_ON_LABEL = "berth.depends-on";

    /**
     * What is left of Docker's default capabilities. Common images start as root to prepare their data folder
     * ({@code CHOWN}, {@code FOWNER}, {@code DAC_OVERRIDE}: chown/chmod and reading it whatever its owner) and then
     * drop to their own user ({@code SETUID}, {@code SETGID}: gosu, su-exec, setpriv); {@code KILL} lets such an
     * entrypoint signal its child of another uid; {@code NET_BIND_SERVICE} lets a server listen below 1024 (nginx on
     * 80). Dropped from Docker's defaults: {@code NET_RAW} (raw packets: ARP/ICMP spoofing of other stacks on the
     * host), {@code MKNOD}, {@code SYS_CHROOT}, {@code SETPCAP}, {@code SETFCAP}, {@code FSETID},
     * {@code AUDIT_WRITE}: nothing a web service or database needs.
     */
    static final Capability[] KEPT_CAPABILITIES = {Capability.CHOWN, Capability.SETUID, Capability.SETGID,
        Capability.DAC_OVERRIDE, Capability.FOWNER, Capability.KILL, Capability.NET_BIND_SERVICE};

    private static final Logger LOG = LoggerFactory.getLogger(ContainerFactory.class);

    private final DockerCalls docker;
    private final BerthConfig.Docker config;
    private final Ownership ownership;

    ContainerFactory(DockerCalls docker, BerthConfig.Docker config, Ownership ownership) {
        this.docker = docker;
        this.config = config;
        this.ownership = ownership;
    }

    /**
     * The id of the service's running container: the one already running under its name (re-attached as it is), or
     * a new one, started, whose id is added to {@code created}. A stopped one under that name is replaced.
     */
    String ensure(StackRef ref, String network, ServiceSpec service, List<Mount> mounts, Progress progress,
                  List<String> created) throws BackendException {
        String name = ObjectNames.container(config.namePrefix, ref, service.name());
        InspectContainerResponse existing = docker.containerNamed(name);
        if (existing != null) {
            Ownership.require(ownership.ofStack(existing.getConfig().getLabels(), ref), "container", name);
            if (Boolean.TRUE.equals(existing.getState().getRunning())) {
                progress.step("Reusing running container " + name);
                return existing.getId();
            }
            progress.step("Replacing stopped container " + name);
            docker.removeContainer(existing.getId());
        }
        progress.step("Starting container " + name);
        String id = docker.call("create container " + name, c -> create(c.createContainerCmd(service.image()),
                name, ref, network, service, mounts).exec().getId());
        created.add(id);
        docker.call("start container " + name, c -> c.startContainerCmd(id).exec());
        LOG.debug("stack \"{}\" of \"{}\": started container \"{}\"", ref.stack(), ref.owner(), name);
        return id;
    }

    /**
     * Lets Docker restart the container from now on (after a crash, and when the daemon restarts); Berth finds it
     * again by its labels. Set only once the service is healthy: during the start a crash must fail the launch with
     * its exit code, not be hidden by a restart.
     */
    void keepRunning(String id) {
        docker.call("update container " + id,
                c -> c.updateContainerCmd(id).withRestartPolicy(RestartPolicy.unlessStoppedRestart()).exec());
    }

    private CreateContainerCmd create(CreateContainerCmd create, String name, StackRef ref, String network,
                                      ServiceSpec service, List<Mount> mounts) {
        Map<String, String> labels = ownership.stackLabels(ref);
        labels.put(Labels.SERVICE, service.name());
        labels.put(PORT_LABEL, Integer.toString(service.port()));
        labels.put(STOP_GRACE_LABEL, Integer.toString(service.stopGraceSeconds()));
        List<String> dependsOn = Objects.requireNonNullElse(service.dependsOn(), List.<String>of());
        if (!dependsOn.isEmpty()) {
            labels.put(DEPENDS_ON_LABEL, String.join(",", dependsOn));
        }
        List<String> env = Objects.requireNonNullElse(service.env(), Map.<String, String>of()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        List<Integer> publish = Objects.requireNonNullElse(service.publish(), List.<Integer>of());
        List<ExposedPort> exposed = publish.stream().map(ExposedPort::tcp).toList();
        Ports bindings = new Ports();
        // No host port: Docker picks a free one, read back after the start (PublishedPorts).
        exposed.forEach(port -> bindings.bind(port, Ports.Binding.bindIp(config.publishHost)));
        create.withName(name).withHostName(service.name()).withLabels(labels).withEnv(env)
                .withAliases(service.name()).withExposedPorts(exposed)
                // also what `docker stop` by hand and a stopping Docker daemon give it
                .withStopTimeout(service.stopGraceSeconds())
                .withHostConfig(hostConfig(network, service.resources(), mounts).withPortBindings(bindings));
        if (service.user() != null && !service.user().isBlank()) {
            create.withUser(service.user());
        }
        List<String> command = Objects.requireNonNullElse(service.command(), List.of());
        if (!command.isEmpty()) {
            create.withCmd(command);
        }
        return create;
    }

    private HostConfig hostConfig(String network, StackSpec.Resources resources, List<Mount> mounts) {
        HostConfig host = HostConfig.newHostConfig().withNetworkMode(network)
                // init reaps children and forwards the stop signal: the command (often a shell) is not PID 1, which
                // the kernel shields from signals it has no handler for, so SIGTERM ends it instead of the grace
                .withInit(true)
                .withPrivileged(false)
                .withCapDrop(Capability.ALL)
                .withCapAdd(KEPT_CAPABILITIES)
                // setuid binaries (su, sudo) cannot raise privileges again once the entrypoint has dropped them
                .withSecurityOpts(List.of("no-new-privileges:true"))
                .withMounts(mounts)
                .withRestartPolicy(RestartPolicy.noRestart());
        if (config.pidsLimit > 0) {
            host.withPidsLimit((long) config.pidsLimit);
        }
        if (resources != null && resources.cpus() > 0) {
            host.withNanoCPUs(Math.round(resources.cpus() * 1e9));
        }
        if (resources != null && resources.memoryBytes() > 0) {
            // Swap equal to memory means none: a service at its limit is OOM-killed rather than thrashing the disk.
            host.withMemory(resources.memoryBytes()).withMemorySwap(resources.memoryBytes());
        }
        return host;
    }
}
