package io.berth.backend;

import io.berth.model.StackRef;
import java.time.Instant;

/**
 * A service container the kernel's out-of-memory killer ended: whose service it was, the engine's id of the container,
 * when it ended (the engine's own time of the exit, the same for every report of that exit, so a listener can tell a
 * kill it was told of twice), and the container's memory limit in bytes (0: none of its own, or not known because
 * the container was gone before the backend could read it).
 */
public record OomKill(StackRef stack, String service, String containerId, Instant at, long memoryLimitBytes) { }
