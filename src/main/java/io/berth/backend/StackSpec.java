package io.berth.backend;

import java.util.List;

/** What a backend needs to start a stack: its name and its services, fully resolved (no template syntax left). */
public record StackSpec(StackRef ref, List<ServiceSpec> services) {

    /**
     * One container: the service's name within the stack, its image, its command (empty: the image's default), its
     * environment, and the TCP port its HTTP server listens on inside the container.
     */
    public record ServiceSpec(String name, String image, List<String> command, java.util.Map<String, String> env,
                              int port) { }
}
