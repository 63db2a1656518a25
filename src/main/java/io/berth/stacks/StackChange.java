package io.berth.stacks;

import io.berth.model.Stack;
import io.berth.model.StackRef;

/**
 * One stack changed in the store: its state (with what a transition writes alongside it: targets, route modes),
 * the addresses its services answer on, or the whole record (deleted). Published by {@link StackService} and
 * {@link Reconciler} after the write, through {@link StackChanges}. It names the stack only: whoever needs the new
 * state reads it from the store, which is the source of truth.
 */
public record StackChange(long stackId, StackRef ref, Kind kind) {
    public enum Kind {
        /** A state transition was written (possibly with new targets or route modes). */
        STATE,
        /** The reconciler wrote new addresses for the stack's running services; the state is unchanged. */
        TARGETS,
        /** The stack's record is gone. */
        DELETED
    }

    static StackChange of(Stack stack, Kind kind) {
        return new StackChange(stack.id(), stack.ref(), kind);
    }
}
