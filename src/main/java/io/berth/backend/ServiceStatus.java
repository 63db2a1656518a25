package io.berth.backend;

import io.berth.model.StackRef;

/**
 * A service container as the backend sees it now: whose it is, whether it runs, the endpoint it answers at (null
 * when it does not run), the engine's own words for its state ("Up 3 minutes", "Exited (137) 2 seconds ago"), and
 * whether the engine is bringing it back by itself ({@code restarting}: Docker's restart policy, Swarm replacing a
 * task), so a short gap is not reported as a failure. {@code restarts}: how often the engine restarted it lately (a
 * backend that cannot tell says 0), {@code lastExit}: the exit code of the last of those restarts, null when unknown,
 * {@code firstRestart}: when the first of them happened (null when none).
 */
public record ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint, String detail,
                            boolean restarting, int restarts, Integer lastExit,
                            java.time.Instant firstRestart) {
    public ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint, String detail,
                         boolean restarting) {
        this(stack, service, running, endpoint, detail, restarting, 0, null, null);
    }

    public ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint, String detail) {
        this(stack, service, running, endpoint, detail, false);
    }

    public ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint) {
        this(stack, service, running, endpoint, running ? "running" : "not running");
    }
}
