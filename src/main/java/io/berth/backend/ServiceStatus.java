package io.berth.backend;

/**
 * A service container as the backend sees it now: whose it is, whether it runs, and (when it runs) the endpoint it
 * answers at. {@code endpoint} is null when the container is not running.
 */
public record ServiceStatus(StackRef stack, String service, boolean running, Endpoint endpoint) { }
