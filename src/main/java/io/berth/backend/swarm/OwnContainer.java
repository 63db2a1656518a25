package io.berth.backend.swarm;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.berth.backend.engine.DockerCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container Berth runs in, attached to each stack's overlay network so that the proxy (and the health checks)
 * reach services at their task addresses: a host process has no route into an overlay network. Named in
 * {@code swarm.berth_container}, or found from this process's mounts: Docker bind-mounts {@code /etc/hostname} (and
 * hosts, resolv.conf) from {@code …/containers/<id>/}, under cgroup v1 and v2 alike.
 */
final class OwnContainer {
    private static final Logger LOG = LoggerFactory.getLogger(OwnContainer.class);
    private static final Pattern MOUNTED_FROM =
            Pattern.compile("/containers/([0-9a-f]{64})/(hostname|hosts|resolv\\.conf)");

    private static final Path FORWARDING = Path.of("/proc/sys/net/ipv4/ip_forward");

    private final DockerCalls docker;
    /** Berth's container as configured or found from this process's mounts (read once); null: none. */
    private final String reference;
    private volatile boolean warned;

    OwnContainer(DockerCalls docker, String configured) {
        this.docker = docker;
        String named = configured == null ? "" : configured.trim();
        this.reference = named.isEmpty() ? fromMounts().orElse(null) : named;
    }

    /** Berth's container as the engine knows it, or a sentence saying why there is none. */
    Found find() {
        String ref = reference;
        if (ref == null) {
            return new Found(null, "Berth does not run in a container, and with backend: swarm it must: it joins each"
                    + " stack's overlay network to reach its services. Run Berth's image on a manager node (see"
                    + " deploy/README.md), or name its container in swarm.berth_container.");
        }
        try {
            InspectContainerResponse info = docker.call("inspect container " + ref,
                    c -> c.inspectContainerCmd(ref).exec());
            String mode = info.getHostConfig() == null ? null : info.getHostConfig().getNetworkMode();
            if ("host".equals(mode)) {
                return new Found(null, "Berth's container \"" + ref + "\" uses the host's network, which cannot join"
                        + " overlay networks: with backend: swarm run it on a bridge network (see deploy/README.md).");
            }
            warnIfForwarding();
            return new Found(info, null);
        } catch (NotFoundException e) {
            return new Found(null, "Berth's container \"" + ref + "\" (swarm.berth_container) is not on the Docker"
                    + " engine at docker.host: Berth must run on the manager it talks to.");
        }
    }

    /** The networks (by name) the container is attached to now. */
    static Set<String> networks(InspectContainerResponse info) {
        Map<String, ?> networks = info.getNetworkSettings() == null ? null : info.getNetworkSettings().getNetworks();
        return networks == null ? Set.of() : networks.keySet();
    }

    /** Attaches Berth's container to {@code network} unless it already is. */
    void attach(String containerId, String network) {
        try {
            docker.call("connect Berth to network " + network, c -> c.connectToNetworkCmd()
                    .withContainerId(containerId).withNetworkId(network).exec());
            LOG.info("attached Berth's container to network \"{}\"", network);
        } catch (RuntimeException e) {
            // "already attached" (or "already exists in network"): by an earlier start, which is what was wanted
            String message = String.valueOf(e.getMessage());
            if (!message.contains("already attached") && !message.contains("already exists")) {
                throw e;
            }
        }
    }

    /** Detaches Berth's container from {@code network}; one it is not attached to counts as detached. */
    void detach(String containerId, String network) {
        try {
            docker.call("disconnect Berth from network " + network, c -> c.disconnectFromNetworkCmd()
                    .withContainerId(containerId).withNetworkId(network).withForce(true).exec());
        } catch (NotFoundException e) {
            LOG.debug("network \"{}\" already gone", network);
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("is not connected")) {
                throw e;
            }
        }
    }

    /**
     * Attaches Berth's container again to the networks of stacks that run: a new container of Berth (an upgrade)
     * starts on its own network only, and the proxy would otherwise lose every running stack.
     */
    void reattach(java.util.Collection<String> networks) {
        if (networks.isEmpty()) {
            return;
        }
        Found berth = find();
        if (berth.container() == null) {
            return; // unavailable() says why
        }
        Set<String> attached = networks(berth.container());
        networks.stream().distinct().filter(n -> !attached.contains(n))
                .forEach(n -> attach(berth.container().getId(), n));
    }

    /**
     * Berth's container joins every stack's network, so it must not route between them. Services cannot point a
     * route at it (Berth drops NET_ADMIN and NET_RAW), but a forwarding Berth would be one safeguard fewer: said once.
     */
    private void warnIfForwarding() {
        if (warned) {
            return;
        }
        warned = true;
        try {
            if (Files.readString(FORWARDING).trim().equals("1")) {
                LOG.warn("Berth's container forwards IP packets ({} is 1) and joins every stack's network: run it"
                        + " with --sysctl net.ipv4.ip_forward=0 so that it can never route between stacks", FORWARDING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {}: {}", FORWARDING, e.toString());
        }
    }

    private static Optional<String> fromMounts() {
        try {
            Matcher m = MOUNTED_FROM.matcher(Files.readString(Path.of("/proc/self/mountinfo")));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Berth's container, or why there is none. */
    record Found(InspectContainerResponse container, String problem) { }
}
