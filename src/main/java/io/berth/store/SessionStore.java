package io.berth.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Login sessions, keyed by the SHA-256 of the cookie's value so a leaked database holds no usable cookie. */
public final class SessionStore {

    /** One session row. */
    public record Row(String idHash, long userId, String csrfToken, Instant createdAt, Instant lastSeenAt,
                      String host) { }

    private final Jdbi jdbi;

    public SessionStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * A portal session when {@code host} is null; else one valid on that host only, ended with its parent.
     * {@code idToken} is the identity provider's id_token of a single sign-on (null otherwise), kept for logout;
     * {@code refreshToken} its refresh token (null when it gave none), kept to re-check the user during the session.
     */
    public void create(String idHash, long userId, String csrfToken, Instant now, String host, String parentHash,
                       String idToken, String refreshToken) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at,"
                        + " last_seen_at, host, parent_hash, id_token, refresh_token, checked_at)"
                        + " VALUES (:h, :u, :c, :t, :t, :host, :parent, :id, :refresh, :t)")
                .bind("h", idHash).bind("u", userId).bind("c", csrfToken).bind("t", now)
                .bind("host", host).bind("parent", parentHash).bind("id", idToken).bind("refresh", refreshToken)
                .execute());
    }

    /** The provider's refresh token of a single sign-on session and when it was last used to re-check the user. */
    public record Recheck(String refreshToken, Instant checkedAt) { }

    public Optional<Recheck> recheck(String idHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT refresh_token, checked_at FROM sessions WHERE id_hash = :h"
                        + " AND refresh_token IS NOT NULL")
                .bind("h", idHash).map((rs, ctx) -> new Recheck(rs.getString("refresh_token"),
                        rs.getObject("checked_at", java.time.OffsetDateTime.class).toInstant())).findOne());
    }

    /** Records a re-check: when, and the refresh token the provider handed back (providers may rotate them). */
    public void checked(String idHash, String refreshToken, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE sessions SET refresh_token = :r, checked_at = :t WHERE id_hash = :h")
                .bind("r", refreshToken).bind("t", now).bind("h", idHash).execute());
    }

    /** The identity provider's id_token the session was started with, if it came from single sign-on. */
    public Optional<String> idToken(String idHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id_token FROM sessions WHERE id_hash = :h")
                .bind("h", idHash).mapTo(String.class).findOne());
    }

    public Optional<Row> find(String idHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM sessions WHERE id_hash = :h").bind("h", idHash)
                .map((rs, ctx) -> new Row(rs.getString("id_hash"), rs.getLong("user_id"), rs.getString("csrf_token"),
                        rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant(),
                        rs.getObject("last_seen_at", java.time.OffsetDateTime.class).toInstant(), rs.getString("host")))
                .findOne());
    }

    public void touch(String idHash, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE sessions SET last_seen_at = :t WHERE id_hash = :h")
                .bind("t", now).bind("h", idHash).execute());
    }

    /** Deletes a session and every session handed from it to a service host. */
    public void delete(String idHash) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE id_hash = :h OR parent_hash = :h")
                .bind("h", idHash).execute());
    }

    /** Deletes sessions idle since {@code idleBefore} or created before {@code createdBefore}. */
    public int deleteExpired(Instant idleBefore, Instant createdBefore) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM sessions WHERE last_seen_at < :i OR created_at < :c"
                        + " OR parent_hash NOT IN (SELECT id_hash FROM sessions WHERE parent_hash IS NULL)")
                .bind("i", idleBefore).bind("c", createdBefore).execute());
    }
}
