package io.berth.store;

import io.berth.auth.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Users, by name or id. */
public final class UserStore {
    private static final RowMapper<User> USER = (rs, ctx) -> new User(
            rs.getLong("id"), rs.getString("username"), rs.getBoolean("is_admin"), rs.getString("password_hash"));

    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<User> byName(String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE username = :u")
                .bind("u", username).map(USER).findOne());
    }

    public Optional<User> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id")
                .bind("id", id).map(USER).findOne());
    }

    public List<User> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users ORDER BY username").map(USER).list());
    }

    public boolean anyAdmin() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users WHERE is_admin")
                .mapTo(Long.class).one()) > 0;
    }

    /** Creates a user; fails with {@link org.jdbi.v3.core.statement.UnableToExecuteStatementException} when taken. */
    public User create(String username, String passwordHash, boolean admin) {
        long id = jdbi.withHandle(h -> h.createUpdate(
                        "INSERT INTO users (username, password_hash, is_admin, created_at) VALUES (:u, :p, :a, :t)")
                .bind("u", username).bind("p", passwordHash).bind("a", admin).bind("t", Instant.now())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new User(id, username, admin, passwordHash);
    }
}
