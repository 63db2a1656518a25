package io.berth.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.model.BerthException;
import io.berth.model.User;
import io.berth.store.TokenStore;
import io.berth.store.UserStore;
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
 * <p>
 * A token made by another token (through the API) is its child: it never has a scope its parent lacks, never
 * expires after it, and goes when it goes (the store deletes children with their parent). Managing tokens needs
 * the {@link Scope#TOKENS} scope, so a token handed to a script cannot mint itself a longer-lived successor.
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
        ADMIN,
        /** List, create and revoke one's API tokens (children of this token: never more scopes, never longer). */
        TOKENS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A token that checked out: whose it is, what it allows and until when (null: no expiry). */
    public record Token(long id, User user, Set<Scope> scopes, Instant expiresAt) {
        public boolean allows(Scope scope) {
            return scopes.contains(scope) || (scopes.contains(Scope.ADMIN) && user.admin());
        }

        /** Whether this token may hold (or make, or revoke) a token with these scopes. */
        public boolean allowsAll(Set<Scope> others) {
            return others.stream().allMatch(this::allows);
        }
    }

    /** A token just made: its secret (shown once) and when it expires (null: never). */
    public record Created(String secret, Instant expiresAt) { }

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
     * Creates a token on a page (with a session) and returns its secret (the only time it is seen).
     *
     * @param days days until it expires; 0: never
     */
    public String create(User user, String name, Set<Scope> scopes, int days) {
        return create(user, null, name, scopes, days).secret();
    }

    /**
     * Creates a token and returns its secret (the only time it is seen) and when it expires.
     *
     * @param parent the token that asks (through the API), or null for a session; the new token gets none of the
     *               scopes it lacks and expires no later than it
     * @param days   days until it expires; 0: never (or when the parent does)
     */
    public Created create(User user, Token parent, String name, Set<Scope> scopes, int days) {
        String n = name == null ? "" : name.trim();
        if (!NAME.matcher(n).matches()) {
            throw BerthException.badRequest("name", "A token needs a name of 1–64 letters, digits, spaces, '.', '_' or '-'.");
        }
        if (scopes.isEmpty()) {
            throw BerthException.badRequest("scopes", "Choose at least one scope: read, launch, access, tokens or admin.");
        }
        if (scopes.contains(Scope.ADMIN) && !user.admin()) {
            throw BerthException.forbidden("Only admins can create tokens with the admin scope.");
        }
        if (parent != null) {
            for (Scope scope : scopes) {
                if (!parent.allows(scope)) {
                    throw BerthException.forbidden("A token cannot make a token with more rights: this one lacks \""
                            + scope.id() + "\".");
                }
            }
        }
        if (days < 0 || days > 3650) {
            throw BerthException.badRequest("expires_days", "Expiry must be between 0 (never) and 3650 days.");
        }
        String secret = PREFIX + Sessions.randomToken();
        Instant now = Instant.now();
        Instant expires = days == 0 ? null : now.plus(Duration.ofDays(days));
        if (parent != null && parent.expiresAt() != null && (expires == null || expires.isAfter(parent.expiresAt()))) {
            expires = parent.expiresAt(); // a child never outlives the token that made it
        }
        store.create(user.id(), parent == null ? null : parent.id(), n, Sessions.hash(secret), scopeText(scopes), now,
                expires)
                .orElseThrow(() -> BerthException.conflict("name", "You already have a token named \"" + n + "\"."));
        return new Created(secret, expires);
    }

    /** The scopes named in text like {@code "read access"} or {@code ["read","access"]}; unknown names refused. */
    public static Set<Scope> parseScopes(List<String> names) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : names) {
            try {
                scopes.add(Scope.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw BerthException.badRequest("scopes",
                        "Unknown scope \"" + name + "\"; use read, launch, access, tokens or admin.");
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

    /** Revokes one of the user's tokens at once, and every token it made; false when they have no such token. */
    public boolean revoke(User user, long id) {
        return revoke(user, null, id);
    }

    /**
     * Revokes one of the user's tokens and every token it made, asked by a token ({@code by}; null for a session):
     * a token revokes only tokens it could have made (no scope it lacks), so a weak token cannot end a strong one.
     * False when there is no such token the asker may revoke.
     */
    public boolean revoke(User user, Token by, long id) {
        if (by != null) {
            Optional<TokenStore.Row> row = store.ownedBy(user.id()).stream().filter(r -> r.id() == id).findFirst();
            if (row.isEmpty() || !by.allowsAll(parseScopes(List.of(row.get().scopes().split(" "))))) {
                return false;
            }
        }
        boolean gone = store.delete(user.id(), id); // the store deletes the tokens it made with it
        cache.invalidateAll(); // tokens are cached by hash; revocations are rare
        return gone;
    }

    private Cached load(String hash) {
        return store.byHash(hash).flatMap(row -> users.byId(row.userId()).map(user -> new Cached(
                        Optional.of(new Token(row.id(), user, parseScopes(List.of(row.scopes().split(" "))),
                                row.expiresAt())),
                        row.expiresAt(), row.lastUsedAt())))
                .orElse(new Cached(Optional.empty(), null, null));
    }

    private static String scopeText(Set<Scope> scopes) {
        return scopes.stream().map(Scope::id).collect(Collectors.joining(" "));
    }
}
