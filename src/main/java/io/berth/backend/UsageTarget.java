package io.berth.backend;

import io.berth.model.StackRef;

/**
 * A running service container whose usage {@link Backend#usage} can read: whose service it is, and the engine's id
 * of the container (a new id after the engine replaced the container, so counters that start again from zero are not
 * mistaken for a drop).
 */
public record UsageTarget(StackRef stack, String service, String containerId) { }
