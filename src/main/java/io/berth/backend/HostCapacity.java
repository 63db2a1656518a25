package io.berth.backend;

/** What the host that runs the services has: its cores and its memory in bytes, as its engine reports them. */
public record HostCapacity(int cores, long memoryBytes) { }
