package io.berth.store;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The week of five-minute usage points, one row per stack, service and hour holding that hour's points packed
 * ({@code usage/HourBlock} says how). Rows go with their stack (foreign key cascade); a block saved for a stack
 * deleted meanwhile is dropped, not an error.
 */
public final class UsageStore {
    /** One hour of one service's points; {@code hourStart} in seconds since the epoch. */
    public record Block(long stackId, String service, long hourStart, byte[] points) { }

    private final Jdbi jdbi;

    public UsageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Writes (or replaces) the blocks, in one transaction. */
    public void save(List<Block> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            var delete = h.prepareBatch("DELETE FROM usage_hours WHERE stack_id = :s AND service = :v AND hour_start = :h");
            // portable upsert (H2 and PostgreSQL); EXISTS skips the block of a stack deleted since it was sampled
            var insert = h.prepareBatch("INSERT INTO usage_hours (stack_id, service, hour_start, points)"
                    + " SELECT :s, :v, :h, :p FROM stacks WHERE id = :s");
            for (Block b : blocks) {
                delete.bind("s", b.stackId()).bind("v", b.service()).bind("h", b.hourStart()).add();
                insert.bind("s", b.stackId()).bind("v", b.service()).bind("h", b.hourStart()).bind("p", b.points())
                        .add();
            }
            delete.execute();
            insert.execute();
        });
    }

    /** The stack's blocks of hours starting at or after {@code fromHour}, oldest first. */
    public List<Block> of(long stackId, long fromHour) {
        return jdbi.withHandle(h -> h.createQuery("SELECT service, hour_start, points FROM usage_hours"
                        + " WHERE stack_id = :s AND hour_start >= :f ORDER BY hour_start")
                .bind("s", stackId).bind("f", fromHour)
                .map((rs, ctx) -> new Block(stackId, rs.getString("service"), rs.getLong("hour_start"),
                        rs.getBytes("points")))
                .list());
    }

    /** Deletes every block of an hour that started before {@code hourStart}; returns how many. */
    public int deleteBefore(long hourStart) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM usage_hours WHERE hour_start < :h")
                .bind("h", hourStart).execute());
    }
}
