package io.berth.store;

import io.berth.model.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Users, by name or id. */
public final class UserStore {
    private static final RowMapper<User> USER = (rs, ctx) -> new User(
            rs.getLong("id"), rs.getString("username"), rs.getBoolean("is_admin"), rs.getString("password_hash"),
            rs.getString("display_name"), rs.getString("email"));

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

    /** The user tied to a single sign-on subject ({@code <issuer> <sub>}), if any. */
    public Optional<User> bySubject(String subject) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE sso_subject = :s")
                .bind("s", subject).map(USER).findOne());
    }

    /** The single sign-on subject a user is tied to, if any. */
    public Optional<String> subjectOf(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT sso_subject FROM users WHERE id = :id")
                .bind("id", userId).mapTo(String.class).findOne());
    }

    /** Creates a user who signs in through single sign-on only (no password). */
    public User createSso(String username, String displayName, String subject, boolean admin) {
        long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO users (username, display_name, password_hash,"
                        + " is_admin, created_at, sso_subject) VALUES (:u, :d, NULL, :a, :t, :s)")
                .bind("u", username).bind("d", displayName).bind("a", admin).bind("t", Instant.now())
                .bind("s", subject).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new User(id, username, admin, null, displayName);
    }

    /** Updates what the identity provider says about a user at each sign-on. */
    public void updateFromSso(long id, String subject, String displayName, boolean admin, Integer uid, Integer gid,
                              String email) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET sso_subject = :s, display_name = :d, is_admin = :a,"
                        + " uid = :uid, gid = :gid, email = :e WHERE id = :id")
                .bind("s", subject).bind("d", displayName).bind("a", admin).bind("uid", uid).bind("gid", gid)
                .bind("e", email).bind("id", id).execute());
    }

    /** Sets whether a user is an admin (single sign-on's re-check, from {@code admin_groups}). */
    public void setAdmin(long id, boolean admin) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET is_admin = :a WHERE id = :id")
                .bind("a", admin).bind("id", id).execute());
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
