package io.berth.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.store.TokenStore;
import io.berth.store.UserStore;
import io.berth.web.BerthException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * API tokens: {@code Authorization: Bearer berth_…} for scripts and for clients on compute nodes. The secret is 256
 * random bits, shown once; the store keeps its SHA-256 (enough for a random secret, and fast on every request).
 * Each token has a name, scopes and an optional expiry; its owner revokes it by deleting it.
 */
public final class Tokens {
    /** Every Berth token starts with this, so the proxy can tell Berth's tokens from a service's own. */
    public static final String PREFIX = "berth_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
    private static final Duration CACHE_FOR = Duration.ofSeconds(10);
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    /** What a token allows. */
    public enum Scope {
        /** See templates, stacks, logs and connection strings. */
        READ,
        /** Launch, stop, start and delete stacks. */
        LAUNCH,
        /** Reach one's services through the proxy (clients on compute nodes). */
        ACCESS,
        /** Everything an admin may do (only admins can create such tokens). */
        ADMIN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A token that checked out: whose it is and what it allows. */
    public record Token(long id, User user, Set<Scope> scopes) {
        public boolean allows(Scope scope) {
            return scopes.contains(scope) || (scopes.contains(Scope.ADMIN) && user.admin());
        }
    }

    /** A token as its owner sees it in lists. */
    public record Listed(long id, String name, String scopes, Instant createdAt, Instant expiresAt,
                         Instant lastUsedAt) { }

    private record Cached(Optional<Token> token, Instant expiresAt, Instant touchedAt) { }

    private final TokenStore store;
    private final UserStore users;
    private final Cache<String, Cached> cache = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(CACHE_FOR).build();

    public Tokens(TokenStore store, UserStore users) {
        this.store = store;
        this.users = users;
    }

    /**
     * Creates a token and returns its secret (the only time it is seen).
     *
     * @param days days until it expires; 0: never
     */
    public String create(User user, String name, Set<Scope> scopes, int days) {
        String n = name == null ? "" : name.trim();
        if (!NAME.matcher(n).matches()) {
            throw BerthException.badRequest("name", "A token needs a name of 1–64 letters, digits, spaces, '.', '_' or '-'.");
        }
        if (scopes.isEmpty()) {
            throw BerthException.badRequest("scopes", "Choose at least one scope: read, launch, access or admin.");
        }
        if (scopes.contains(Scope.ADMIN) && !user.admin()) {
            throw BerthException.forbidden("Only admins can create tokens with the admin scope.");
        }
        if (days < 0 || days > 3650) {
            throw BerthException.badRequest("expires_days", "Expiry must be between 0 (never) and 3650 days.");
        }
        String secret = PREFIX + Sessions.randomToken();
        Instant now = Instant.now();
        store.create(user.id(), n, Sessions.hash(secret), scopeText(scopes), now,
                days == 0 ? null : now.plus(Duration.ofDays(days)))
                .orElseThrow(() -> BerthException.conflict("name", "You already have a token named \"" + n + "\"."));
        return secret;
    }

    /** The scopes named in text like {@code "read access"} or {@code ["read","access"]}; unknown names refused. */
    public static Set<Scope> parseScopes(List<String> names) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : names) {
            try {
                scopes.add(Scope.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw BerthException.badRequest("scopes", "Unknown scope \"" + name + "\"; use read, launch, access or admin.");
            }
        }
        return scopes;
    }

    /** The live token for one {@code Authorization} header value, if it is a valid, unexpired Berth token. */
    public Optional<Token> resolve(String authorization) {
        return resolve(TokenHeader.of(authorization));
    }

    /**
     * The live token the request's {@code Authorization} headers present ({@link TokenHeader}: one header, one
     * form), if it is a valid, unexpired Berth token.
     */
    public Optional<Token> resolve(TokenHeader header) {
        if (header.kind() != TokenHeader.Kind.BEARER) {
            return Optional.empty();
        }
        String secret = header.secret();
        String hash = Sessions.hash(secret);
        Cached c = cache.get(hash, this::load);
        Instant now = Instant.now();
        if (c.token().isEmpty() || (c.expiresAt() != null && now.isAfter(c.expiresAt()))) {
            return Optional.empty();
        }
        if (c.touchedAt() == null || now.isAfter(c.touchedAt().plus(TOUCH_EVERY))) {
            store.touch(c.token().get().id(), now);
            cache.put(hash, new Cached(c.token(), c.expiresAt(), now));
        }
        return c.token();
    }

    public List<Listed> of(User user) {
        return store.ownedBy(user.id()).stream().map(r -> new Listed(r.id(), r.name(), r.scopes(), r.createdAt(),
                r.expiresAt(), r.lastUsedAt())).toList();
    }

    /** Revokes one of the user's tokens at once; false when they have no such token. */
    public boolean revoke(User user, long id) {
        boolean gone = store.delete(user.id(), id);
        cache.invalidateAll(); // tokens are cached by hash; revocations are rare
        return gone;
    }

    private Cached load(String hash) {
        return store.byHash(hash).flatMap(row -> users.byId(row.userId()).map(user -> new Cached(
                        Optional.of(new Token(row.id(), user, parseScopes(List.of(row.scopes().split(" "))))),
                        row.expiresAt(), row.lastUsedAt())))
                .orElse(new Cached(Optional.empty(), null, null));
    }

    private static String scopeText(Set<Scope> scopes) {
        return scopes.stream().map(Scope::id).collect(Collectors.joining(" "));
    }
}
