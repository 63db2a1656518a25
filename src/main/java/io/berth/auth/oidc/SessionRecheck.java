package io.berth.auth.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import io.berth.auth.Session;
import io.berth.auth.Sessions;
import io.berth.auth.SsoAccounts;
import io.berth.config.Oidc;
import io.berth.model.User;
import io.berth.store.SessionStore;
import io.berth.store.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/**
 * Re-checks a single sign-on while its session is in use, so off-boarding at the provider does not wait for the
 * next sign-in: at most every {@code auth.oidc.recheck_seconds}, when a portal session is used, its refresh token is
 * spent at the provider (in the background; the request is not held up). The session ends when the provider says
 * the person is signed out there ({@code invalid_grant}: disabled, logged out, session expired) or when the groups in
 * the new ID token are no longer allowed; otherwise groups and admin rights are updated. A provider that does not
 * answer leaves the session as it is (logged; tried again at the next interval): an outage of the provider must not
 * sign everyone out. Sessions of a provider that gives no refresh token, and password sessions, are never checked.
 */
public final class SessionRecheck {
    private final Oidc config;
    private final OidcLogin login;
    private final SessionStore store;
    private final Sessions sessions;
    private final SsoAccounts accounts;
    private final UserStore users;
    private final ExecutorService pool;
    private final BiConsumer<User, String> ended;
    private final Duration every;
    /** When each session seen in use is next due; a session absent here is checked against the store first. */
    private final Cache<String, Instant> due = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1))
            .maximumSize(100_000).build();

    /** @param ended told the user and the reason when a re-check ends a session (for the audit log) */
    public SessionRecheck(Oidc config, OidcLogin login, SessionStore store, Sessions sessions,
                          SsoAccounts accounts, UserStore users, ExecutorService pool, BiConsumer<User, String> ended) {
        this.config = config;
        this.login = login;
        this.store = store;
        this.sessions = sessions;
        this.accounts = accounts;
        this.users = users;
        this.pool = pool;
        this.ended = ended;
        this.every = Duration.ofSeconds(config.recheckSeconds);
    }

    /** Whether re-checks are on: single sign-on configured and {@code recheck_seconds} above 0. */
    public boolean enabled() {
        return login.enabled() && config.recheckSeconds > 0;
    }

    /** Called on every use of a portal session: returns at once, checking in the background when one is due. */
    public void used(Session session) {
        Instant now = Instant.now();
        Instant next = due.getIfPresent(session.idHash());
        if (next != null && now.isBefore(next)) {
            return;
        }
        due.put(session.idHash(), now.plus(every)); // claims this check: the next uses pass straight through
        pool.execute(() -> check(session, next == null));
    }

    private void check(Session session, boolean firstSight) {
        Optional<SessionStore.Recheck> row = store.recheck(session.idHash());
        if (row.isEmpty()) {
            due.put(session.idHash(), Instant.MAX); // no refresh token: a password session, or none was given
            return;
        }
        Instant checkedAt = row.get().checkedAt();
        if (firstSight && Instant.now().isBefore(checkedAt.plus(every))) {
            due.put(session.idHash(), checkedAt.plus(every)); // checked recently, e.g. before a restart
            return;
        }
        ProviderClient.Refreshed answer = login.provider().refresh(row.get().refreshToken());
        String who = session.user().username();
        switch (answer.outcome()) {
            case SIGNED_OUT -> end(session, "the sign-in service ended the sign-in (" + answer.reason() + ")");
            case NO_ANSWER -> OidcLogin.LOG.warn("re-checking the sign-in of \"{}\" failed ({}); the session stays,"
                    + " tried again in {} s", who, answer.reason(), every.toSeconds());
            case STILL_IN -> {
                Optional<String> refused = answer.idClaims() == null ? Optional.empty() : judge(session,
                        answer.idClaims());
                if (refused.isPresent()) {
                    end(session, refused.get());
                } else {
                    store.checked(session.idHash(), answer.refreshToken(), Instant.now());
                }
            }
            default -> throw new IllegalStateException(answer.outcome().name());
        }
    }

    /** The refreshed ID token must be this client's, about this person; then its groups decide. */
    private Optional<String> judge(Session session, JWTClaimsSet claims) {
        String subject = users.subjectOf(session.user().id()).orElse("");
        if (claims.getAudience() == null || !claims.getAudience().contains(config.clientId)
                || !subject.equals(Claims.subject(config, claims.getSubject()))) {
            return Optional.of("the refreshed ID token is not this client's or not this person's");
        }
        return accounts.recheck(session.user().id(), Claims.groups(claims.getClaim(config.groupsClaim)));
    }

    private void end(Session session, String reason) {
        sessions.endById(session.idHash());
        due.invalidate(session.idHash());
        OidcLogin.LOG.info("session of \"{}\" ended: {}", session.user().username(), reason);
        ended.accept(session.user(), reason);
    }
}
