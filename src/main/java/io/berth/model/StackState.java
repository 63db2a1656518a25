package io.berth.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a stack is in its life: {@code PENDING → STARTING → READY → STOPPING → STOPPED}, or {@code FAILED}; from any
 * of them {@code DELETING}, recorded before a delete is answered so that the delete survives a crash of Berth.
 */
public enum StackState {
    PENDING, STARTING, READY, STOPPING, STOPPED, FAILED, DELETING;

    /** States from which a stack can be (re)started. */
    public static final Set<StackState> STARTABLE = EnumSet.of(STOPPED, FAILED);
    /** States in which containers may exist and the backend is expected to be working on the stack. */
    public static final Set<StackState> ACTIVE = EnumSet.of(PENDING, STARTING, READY);

    /** Whether this state is still changing by itself (pages refresh while it is). */
    public boolean inProgress() {
        return this == PENDING || this == STARTING || this == STOPPING || this == DELETING;
    }
}
