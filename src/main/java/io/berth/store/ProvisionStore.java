package io.berth.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Which users of a site stack have an account in it ({@code provisions}) and the secrets made for each of them
 * ({@code user_secrets}). A row is RUNNING from before its command is started until its outcome is written, so a
 * Berth that dies in between leaves RUNNING behind, which the next attempt takes over (the commands are idempotent).
 */
public final class ProvisionStore {
    public static final String RUNNING = "RUNNING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    /** One user's provisioning in one site stack. */
    public record Row(long stackId, long userId, String username, String state, String output, int attempts,
                      Instant updatedAt) { }

    private final Jdbi jdbi;

    public ProvisionStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<Row> find(long stackId, long userId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE p.stack_id = :s AND p.user_id = :u")
                .bind("s", stackId).bind("u", userId).map(ROW).findOne());
    }

    /** Every user provisioned (or tried) in a stack, by name. */
    public List<Row> of(long stackId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE p.stack_id = :s ORDER BY u.username")
                .bind("s", stackId).map(ROW).list());
    }

    /** Records that an attempt begins (RUNNING, one more attempt), before its command is started. */
    public void begin(long stackId, long userId) {
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("UPDATE provisions SET state = 'RUNNING', attempts = attempts + 1,"
                            + " updated_at = :t WHERE stack_id = :s AND user_id = :u")
                    .bind("s", stackId).bind("u", userId).bind("t", Instant.now()).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO provisions (stack_id, user_id, state, output, attempts, updated_at)"
                                + " VALUES (:s, :u, 'RUNNING', NULL, 1, :t)")
                        .bind("s", stackId).bind("u", userId).bind("t", Instant.now()).execute();
            }
        });
    }

    /** Records an attempt's outcome: {@link #DONE} or {@link #FAILED}, with the end of its output (may be null). */
    public void finish(long stackId, long userId, String state, String output) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE provisions SET state = :st, output = :o, updated_at = :t"
                        + " WHERE stack_id = :s AND user_id = :u")
                .bind("st", state).bind("o", output).bind("t", Instant.now()).bind("s", stackId).bind("u", userId)
                .execute());
    }

    /** Forgets a user's account in a stack (after its deprovision command ran), secrets included. */
    public void remove(long stackId, long userId) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM provisions WHERE stack_id = :s AND user_id = :u")
                    .bind("s", stackId).bind("u", userId).execute();
            h.createUpdate("DELETE FROM user_secrets WHERE stack_id = :s AND user_id = :u")
                    .bind("s", stackId).bind("u", userId).execute();
        });
    }

    /** A user's secrets in a stack, by name. */
    public Map<String, String> secrets(long stackId, long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, secret FROM user_secrets WHERE stack_id = :s"
                        + " AND user_id = :u").bind("s", stackId).bind("u", userId)
                .setMapKeyColumn("name").setMapValueColumn("secret")
                .collectInto(new org.jdbi.v3.core.generic.GenericType<Map<String, String>>() { }));
    }

    /** Stores a user's secret unless one of that name is stored already (the first one made is kept). */
    public void addSecret(long stackId, long userId, String name, String value) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO user_secrets (stack_id, user_id, name, secret)"
                        + " SELECT :s, :u, :n, :v WHERE NOT EXISTS (SELECT 1 FROM user_secrets WHERE stack_id = :s"
                        + " AND user_id = :u AND name = :n)")
                .bind("s", stackId).bind("u", userId).bind("n", name).bind("v", value).execute());
    }

    private static final String SELECT = "SELECT p.stack_id, p.user_id, u.username, p.state, p.output, p.attempts,"
            + " p.updated_at FROM provisions p JOIN users u ON u.id = p.user_id";

    private static final org.jdbi.v3.core.mapper.RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getLong("stack_id"),
            rs.getLong("user_id"), rs.getString("username"), rs.getString("state"), rs.getString("output"),
            rs.getInt("attempts"), rs.getTimestamp("updated_at").toInstant());
}
