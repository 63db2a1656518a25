package io.berth.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** API tokens, keyed by the SHA-256 of their secret. */
public final class TokenStore {

    /** One token as stored: never its secret. {@code expiresAt} null: does not expire. */
    public record Row(long id, long userId, String name, String scopes, Instant createdAt, Instant expiresAt,
                      Instant lastUsedAt) { }

    private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getLong("id"), rs.getLong("user_id"),
            rs.getString("name"), rs.getString("scopes"), instant(rs.getObject("created_at", OffsetDateTime.class)),
            instant(rs.getObject("expires_at", OffsetDateTime.class)),
            instant(rs.getObject("last_used_at", OffsetDateTime.class)));

    private final Jdbi jdbi;

    public TokenStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores a token; empty when the user already has a token of that name.
     *
     * @param parentId the token that made it (deleting that one deletes this one), or null
     */
    public Optional<Row> create(long userId, Long parentId, String name, String hash, String scopes, Instant now,
                                Instant expiresAt) {
        try {
            long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO api_tokens (user_id, parent_id, name,"
                            + " token_hash, scopes, created_at, expires_at) VALUES (:u, :p, :n, :h, :s, :now, :e)")
                    .bind("u", userId).bind("p", parentId).bind("n", name).bind("h", hash).bind("s", scopes).bind("now", now)
                    .bind("e", expiresAt).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
            return Optional.of(new Row(id, userId, name, scopes, now, expiresAt, null));
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && sql.getSQLState().startsWith("23")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<Row> byHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE token_hash = :h")
                .bind("h", hash).map(ROW).findOne());
    }

    public List<Row> ownedBy(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE user_id = :u ORDER BY created_at")
                .bind("u", userId).map(ROW).list());
    }

    /**
     * Deletes one of a user's tokens, and (by the foreign key's cascade) every token it made; false when there is
     * no such token of theirs.
     */
    public boolean delete(long userId, long id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM api_tokens WHERE id = :id AND user_id = :u")
                .bind("id", id).bind("u", userId).execute()) > 0;
    }

    public void touch(long id, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE api_tokens SET last_used_at = :t WHERE id = :id")
                .bind("t", now).bind("id", id).execute());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
