package io.berth.store;

import io.berth.model.StackEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Each stack's history: one row per event, ids growing with time, removed with the stack (foreign key cascade). */
public final class EventStore {
    private final Jdbi jdbi;

    public EventStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores one event of a stack's history and returns it with its id (ids grow with time). */
    public StackEvent add(long stackId, String message) {
        return add(stackId, Instant.now(), message);
    }

    /**
     * Stores one event that happened at {@code at} (an engine's time of it, which may be a little before now) and
     * returns it with its id; its place in the history is still by id, when it was told.
     */
    public StackEvent add(long stackId, Instant at, String message) {
        String text = message.length() > 4000 ? message.substring(0, 3997) + "..." : message;
        long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO events (stack_id, at, message) VALUES (:s, :t, :m)")
                .bind("s", stackId).bind("t", at).bind("m", text)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new StackEvent(id, at, text);
    }

    public List<StackEvent> of(long stackId) {
        return after(stackId, 0);
    }

    /** The stack's events with ids above {@code afterId}, in order (what a live stream has not sent yet). */
    public List<StackEvent> after(long stackId, long afterId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM events WHERE stack_id = :s AND id > :a ORDER BY id")
                .bind("s", stackId).bind("a", afterId)
                .map((rs, ctx) -> new StackEvent(rs.getLong("id"),
                        rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("message")))
                .list());
    }
}
