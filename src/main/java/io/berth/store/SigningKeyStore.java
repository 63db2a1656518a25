package io.berth.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The keys that sign identity assertions, kept in the database so that every Berth on it signs with the same keys
 * and a restart keeps them. Which key signs, and when one is retired or deleted, is decided above
 * ({@code identity/SigningKeys}); every write here is safe to repeat and to race with another Berth's.
 */
public final class SigningKeyStore {

    /**
     * One key. {@code privateJwk} is the JSON Web Key with its private part: never shown, logged or published.
     * {@code retiredAt} null: no newer key has taken over yet.
     */
    public record Row(String kid, String algorithm, String privateJwk, Instant createdAt, Instant retiredAt) {
        @Override
        public String toString() { // keeps the private key out of log lines and assertion messages
            return "SigningKey[" + kid + ", " + algorithm + ", created " + createdAt + ", retired " + retiredAt + "]";
        }
    }

    private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getString("kid"), rs.getString("algorithm"),
            rs.getString("private_jwk"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            instant(rs.getObject("retired_at", OffsetDateTime.class)));

    private final Jdbi jdbi;

    public SigningKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Every key, oldest first (ties by key id, so every Berth orders them alike). */
    public List<Row> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM signing_keys ORDER BY created_at, kid").map(ROW).list());
    }

    public void insert(Row key) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO signing_keys (kid, algorithm, private_jwk, created_at, retired_at)"
                        + " VALUES (:kid, :alg, :jwk, :created, :retired)")
                .bind("kid", key.kid()).bind("alg", key.algorithm()).bind("jwk", key.privateJwk())
                .bind("created", key.createdAt()).bind("retired", key.retiredAt()).execute());
    }

    /** Records when a key was retired, unless a time is already recorded (the first writer's stays). */
    public void retire(String kid, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE signing_keys SET retired_at = :t WHERE kid = :kid AND retired_at IS NULL")
                .bind("t", at).bind("kid", kid).execute());
    }

    /** Deletes a key; deleting one already gone is no error. */
    public void delete(String kid) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM signing_keys WHERE kid = :kid").bind("kid", kid).execute());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
