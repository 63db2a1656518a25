package io.berth.model;

import java.time.Instant;

/** A stack as stored: whose it is, which template it came from, and its state (with the reason when FAILED). */
public record Stack(long id, long ownerId, String owner, String name, String template, StackState state,
                    String reason, Instant createdAt, Instant updatedAt) {

    public OwnerKind ownerKind() {
        return OwnerKind.of(owner);
    }

    public StackRef ref() {
        return new StackRef(owner, name);
    }
}
