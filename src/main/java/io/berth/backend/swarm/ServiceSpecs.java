package io.berth.backend.swarm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.VolumeOptions;
import io.berth.backend.Labels;
import io.berth.backend.ObjectNames;
import io.berth.backend.StackSpec;
import io.berth.config.BerthConfig;
import io.berth.config.Swarm;
import io.berth.model.StackRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Turns one service of a stack into a Swarm service of one replica, hardened like the Docker backend's containers:
 * Docker's default capabilities cut down to the same small set, an init process, a pids limit, the template's
 * limits (and, with {@code swarm.reserve}, as much reserved), the stack's overlay network with the service's name as
 * its alias, and only the template's TCP ports published. docker-java's model predates the Engine API's
 * {@code CapabilityDrop}/{@code CapabilityAdd} and {@code Pids}, so two small subclasses add those fields.
 */
final class ServiceSpecs {
    /** Label holding a service's web port, so a listing can rebuild its endpoint after a restart. */
    static final String PORT_LABEL = "berth.port";
    /** The Docker backend's set ({@code ContainerFactory}): what common images need to drop to their own user. */
    static final List<String> KEPT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_SETUID", "CAP_SETGID",
            "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    private static final long RESTART_DELAY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final BerthConfig.Docker docker;
    private final Swarm swarm;

    ServiceSpecs(BerthConfig.Docker docker, Swarm swarm) {
        this.docker = docker;
        this.swarm = swarm;
    }

    ServiceSpec of(StackRef ref, String network, StackSpec.ServiceSpec service, Map<String, String> stackLabels,
                   List<Mount> mounts) {
        Map<String, String> labels = new java.util.LinkedHashMap<>(stackLabels);
        labels.put(Labels.SERVICE, service.name());
        labels.put(PORT_LABEL, Integer.toString(service.port()));
        HardenedContainerSpec container = new HardenedContainerSpec();
        container.capabilityDrop = List.of("ALL");
        container.capabilityAdd = KEPT_CAPABILITIES;
        container.withImage(service.image()).withLabels(labels).withHostname(service.name()).withInit(true)
                .withStopGracePeriod(TimeUnit.SECONDS.toNanos(service.stopGraceSeconds()))
                .withMounts(mounts.stream().map(this::onEveryNode).toList())
                .withEnv(Objects.requireNonNullElse(service.env(), Map.<String, String>of()).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList());
        List<String> command = Objects.requireNonNullElse(service.command(), List.of());
        if (!command.isEmpty()) {
            container.withCommand(command);
        }
        if (service.user() != null && !service.user().isBlank()) {
            container.withUser(service.user());
        }
        List<String> constraints = new ArrayList<>(swarm.placement);
        constraints.addAll(Objects.requireNonNullElse(service.placement(), List.of()));
        TaskSpec task = new TaskSpec().withContainerSpec(container)
                .withResources(resources(service.resources()))
                // From the first task on, as the Docker backend's unless-stopped: a failure during the start is seen
                // in the task list all the same, and the launch removes the service.
                .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY)
                        .withDelay(RESTART_DELAY_NANOS))
                .withPlacement(new ServicePlacement().withConstraints(constraints))
                .withNetworks(List.of(new NetworkAttachmentConfig().withTarget(network)
                        .withAliases(List.of(service.name()))));
        return new ServiceSpec().withName(ObjectNames.container(docker.namePrefix, ref, service.name()))
                .withLabels(labels).withTaskTemplate(task)
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(1)))
                .withEndpointSpec(endpoint(Objects.requireNonNullElse(service.publish(), List.of())));
    }

    /** Ports Swarm picks: on every node (routing mesh), or on the task's node only (without it). */
    private EndpointSpec endpoint(List<Integer> publish) {
        PortConfig.PublishMode mode = swarm.routingMesh ? PortConfig.PublishMode.ingress : PortConfig.PublishMode.host;
        return new EndpointSpec()
                .withMode(swarm.routingMesh ? EndpointResolutionMode.VIP : EndpointResolutionMode.DNSRR)
                .withPorts(publish.stream().map(port -> new PortConfig().withProtocol(PortConfigProtocol.TCP)
                        .withTargetPort(port).withPublishMode(mode)).toList());
    }

    private ResourceRequirements resources(StackSpec.Resources resources) {
        LimitSpecs limits = new LimitSpecs();
        limits.pids = docker.pidsLimit > 0 ? (long) docker.pidsLimit : null;
        ResourceSpecs reserved = new ResourceSpecs();
        if (resources != null && resources.cpus() > 0) {
            limits.withNanoCPUs(Math.round(resources.cpus() * 1e9));
            reserved.withNanoCPUs(Math.round(resources.cpus() * 1e9));
        }
        if (resources != null && resources.memoryBytes() > 0) {
            limits.withMemoryBytes(resources.memoryBytes());
            reserved.withMemoryBytes(resources.memoryBytes());
        }
        ResourceRequirements requirements = new ResourceRequirements().withLimits(limits);
        return swarm.reserve ? requirements.withReservations(reserved) : requirements;
    }

    /**
     * A named volume is created by whichever node runs the task (Berth made it, with its labels, on the manager
     * only), with the driver of {@code swarm.volume_driver}.
     */
    private Mount onEveryNode(Mount mount) {
        if (mount.getType() != MountType.VOLUME) {
            return mount;
        }
        return mount.withVolumeOptions(new VolumeOptions().withDriverConfig(new Driver().withName(swarm.volumeDriver)));
    }

    /** {@code ContainerSpec} with the Engine API's capability fields (API 1.41, Docker 20.10). */
    static final class HardenedContainerSpec extends ContainerSpec {
        @JsonProperty("CapabilityDrop")
        List<String> capabilityDrop;
        @JsonProperty("CapabilityAdd")
        List<String> capabilityAdd;
    }

    /** {@code ResourceSpecs} with the Engine API's {@code Pids} limit (API 1.41). */
    static final class LimitSpecs extends ResourceSpecs {
        @JsonProperty("Pids")
        Long pids;
    }
}
