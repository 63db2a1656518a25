package io.berth.backend;

/**
 * A service container as the backend sees it now: whose it is, whether it runs, the endpoint it answers at (null
 * when it does not run), the engine's own words for its state ("Up 3 minutes", "Exited (137) 2 seconds ago"), and
 * whether the engine is bringing it back by itself ({@code restarting}: Docker's restart policy, Swarm replacing a
 * task), so a short gap is not reported as a failure.
 */
public record ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint, String detail,
                            boolean restarting) {
    public ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint, String detail) {
        this(stack, service, running, endpoint, detail, false);
    }

    public ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint) {
        this(stack, service, running, endpoint, running ? "running" : "not running");
    }
}
