package io.berth.backend;

/**
 * A service container as the backend sees it now: whose it is, whether it runs, the endpoint it answers at (null
 * when it does not run), and the engine's own words for its state ("Up 3 minutes", "Exited (137) 2 seconds ago").
 */
public record ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint, String detail) {
    public ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint) {
        this(stack, service, running, endpoint, running ? "running" : "not running");
    }
}
