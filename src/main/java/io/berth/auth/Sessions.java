package io.berth.auth;

import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.config.BerthConfig;
import io.berth.model.User;
import io.berth.store.SessionStore;
import io.berth.store.UserStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Login sessions shared by the pages and the proxy. The browser holds a random 256-bit id in the
 * {@value #COOKIE} cookie; the store holds its SHA-256, so sessions survive a restart of Berth. Lookups are cached
 * briefly because the proxy resolves the session on every request.
 */
public final class Sessions {
    /**
     * Name of the session cookie over plain HTTP; over HTTPS it is {@code __Host-berth_session} (Secure, host-only,
     * Path=/ enforced by the browser). The proxy never forwards either to a service, nor lets a service set it.
     */
    public static final String COOKIE = "berth_session";
    private static final Duration CACHE_FOR = Duration.ofSeconds(10);
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionStore store;
    private final UserStore users;
    private final Duration idle;
    private final Duration max;
    private final boolean secure;
    /**
     * An entry is reloaded in the background once it is {@link #CACHE_FOR} old (the old one serves meanwhile, so a
     * busy session never makes all its requests wait on one reload) and dropped after 5 minutes unused.
     */
    private final LoadingCache<String, Optional<Cached>> cache;
    private volatile java.util.function.Consumer<Session> watcher = session -> { };

    private record Cached(Session session, Instant createdAt, Instant lastSeenAt) { }

    public Sessions(SessionStore store, UserStore users, BerthConfig.Auth config) {
        this(store, users, config, config.secureCookies);
    }

    /** @param secure whether the portal is served over HTTPS: cookies are then {@code Secure} and {@code __Host-}. */
    public Sessions(SessionStore store, UserStore users, BerthConfig.Auth config, boolean secure) {
        this.secure = secure;
        this.store = store;
        this.users = users;
        this.idle = Duration.ofMinutes(config.sessionIdleMinutes);
        this.max = Duration.ofHours(config.sessionMaxHours);
        this.cache = Caffeine.newBuilder().maximumSize(100_000).refreshAfterWrite(CACHE_FOR)
                .expireAfterAccess(Duration.ofMinutes(5)).build(this::load);
    }

    /** The session cookie's name: {@value #COOKIE}, with the {@code __Host-} prefix over HTTPS. */
    public String cookieName() {
        return secure ? "__Host-" + COOKIE : COOKIE;
    }

    /** The attributes every Berth session cookie carries (after its value). */
    public String cookieAttributes() {
        return "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    public boolean secure() {
        return secure;
    }

    /** Starts a session for {@code user} and returns the cookie value (a fresh id: no fixation). */
    public String start(User user) {
        return start(user, null);
    }

    /** Starts a session from a single sign-on, keeping the provider's {@code idToken} for logout. */
    public String start(User user, String idToken) {
        return start(user, idToken, null);
    }

    /** As {@link #start(User, String)}, keeping the provider's {@code refreshToken} to re-check the user later. */
    public String start(User user, String idToken, String refreshToken) {
        String raw = randomToken();
        store.create(hash(raw), user.id(), randomToken(), Instant.now(), null, null, idToken, refreshToken);
        return raw;
    }

    /**
     * Who is told each time a portal session is used (single sign-on's re-check, {@code auth.oidc.recheck_seconds});
     * it must return at once and may end the session later with {@link #endById}.
     */
    public void watchUse(java.util.function.Consumer<Session> watcher) {
        this.watcher = watcher;
    }

    /** The provider's id_token of the portal session behind this cookie, when it was a single sign-on. */
    public Optional<String> idToken(String cookieValue) {
        return cookieValue == null || cookieValue.length() != 43 ? Optional.empty() : store.idToken(hash(cookieValue));
    }

    /**
     * Starts a session valid only on one service host, handed over from the portal session {@code parent}; it ends
     * when the portal session ends (logout). Returns the cookie value for that host.
     */
    public String startOnHost(User user, String host, Session parent) {
        String raw = randomToken();
        store.create(hash(raw), user.id(), randomToken(), Instant.now(), host, parent.idHash(), null, null);
        return raw;
    }

    /** The live portal session for a cookie value, if any (sessions of service hosts do not count here). */
    public Optional<Session> resolve(String cookieValue) {
        return resolveAny(cookieValue).filter(Session::portal);
    }

    /** The live session for a cookie value sent to the service host {@code host}, if it was handed to that host. */
    public Optional<Session> resolveOnHost(String cookieValue, String host) {
        return resolveAny(cookieValue).filter(s -> host.equals(s.host()));
    }

    private Optional<Session> resolveAny(String cookieValue) {
        if (cookieValue == null || cookieValue.length() != 43) {
            return Optional.empty();
        }
        String idHash = hash(cookieValue);
        Optional<Cached> found = cache.get(idHash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Cached c = found.get();
        Instant now = Instant.now();
        if (now.isAfter(c.lastSeenAt().plus(idle)) || now.isAfter(c.createdAt().plus(max))) {
            end(cookieValue);
            return Optional.empty();
        }
        if (now.isAfter(c.lastSeenAt().plus(TOUCH_EVERY))) {
            store.touch(idHash, now);
            cache.put(idHash, Optional.of(new Cached(c.session(), c.createdAt(), now)));
        }
        if (c.session().portal()) {
            watcher.accept(c.session());
        }
        return Optional.of(c.session());
    }

    public void end(String cookieValue) {
        if (cookieValue == null) {
            return;
        }
        endById(hash(cookieValue));
    }

    /** Ends the session with this id (the hash of its cookie) and those handed from it to service hosts. */
    public void endById(String idHash) {
        store.delete(idHash);
        cache.invalidateAll(); // the sessions handed from it to service hosts end too; logouts are rare
    }

    /** Removes sessions past their idle or absolute limit (run periodically). */
    public int sweep() {
        Instant now = Instant.now();
        return store.deleteExpired(now.minus(idle), now.minus(max));
    }

    private Optional<Cached> load(String idHash) {
        return store.find(idHash).flatMap(row -> users.byId(row.userId()).map(user ->
                new Cached(new Session(idHash, user, row.csrfToken(), row.host()), row.createdAt(), row.lastSeenAt())));
    }

    /** 32 random bytes, URL-safe base64 without padding (43 characters). */
    public static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
