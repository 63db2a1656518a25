package io.berth.backend;

import java.time.Instant;

/**
 * One reading of a service container's counters, as the engine reports them at {@code read}. CPU, network and block
 * I/O are totals since the container started (rates come from two readings); memory is the working set now (usage
 * minus the page cache the kernel may drop at once, {@code inactive_file}, as {@code docker stats} shows it) and its
 * limit (the host's memory when the container has none of its own).
 */
public record ServiceUsage(UsageTarget target, Instant read, long cpuNanos, long memoryBytes, long memoryLimitBytes,
                           long rxBytes, long txBytes, long readBytes, long writeBytes) { }
