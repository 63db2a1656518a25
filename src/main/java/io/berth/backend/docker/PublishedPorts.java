package io.berth.backend.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the host ports Docker chose for a container's published TCP ports (container port → host port). Docker picks
 * them when the container starts, so they are read from the engine, never remembered: after a restart of Berth from a
 * listing, after a restart of the container from a fresh inspect. An address published on both IPv4 and IPv6 counts
 * once (Docker gives both the same port).
 */
final class PublishedPorts {
    private PublishedPorts() { }

    static Map<Integer, Integer> of(InspectContainerResponse info) {
        Map<Integer, Integer> published = new TreeMap<>();
        Ports ports = info.getNetworkSettings() == null ? null : info.getNetworkSettings().getPorts();
        if (ports != null) {
            for (Map.Entry<ExposedPort, Ports.Binding[]> entry : ports.getBindings().entrySet()) {
                if (entry.getKey().getProtocol() != InternetProtocol.TCP || entry.getValue() == null) {
                    continue;
                }
                for (Ports.Binding binding : entry.getValue()) {
                    Integer host = parse(binding.getHostPortSpec());
                    if (host != null) {
                        published.putIfAbsent(entry.getKey().getPort(), host);
                    }
                }
            }
        }
        return Collections.unmodifiableMap(published);
    }

    static Map<Integer, Integer> of(Container container) {
        Map<Integer, Integer> published = new TreeMap<>();
        ContainerPort[] ports = container.getPorts();
        if (ports != null) {
            for (ContainerPort port : ports) {
                if ("tcp".equals(port.getType()) && port.getPrivatePort() != null && port.getPublicPort() != null) {
                    published.putIfAbsent(port.getPrivatePort(), port.getPublicPort());
                }
            }
        }
        return Collections.unmodifiableMap(published);
    }

    private static Integer parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            return null;
        }
        try {
            int port = Integer.parseInt(spec);
            return port > 0 ? port : null;
        } catch (NumberFormatException e) {
            return null; // a range: Berth never asks for one
        }
    }
}
