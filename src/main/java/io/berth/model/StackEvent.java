package io.berth.model;

import java.time.Instant;

/** One line of a stack's history: a progress step, a state change or a failure. */
public record StackEvent(long id, Instant at, String message) { }
