package io.berth.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.berth.config.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Signed statements of who is calling, for services that must not trust the network: a compact JWT (ES256) with
 * {@code iss} (Berth's public URL), {@code aud} (the service's route), {@code sub} and {@code preferred_username}
 * (the caller's user name), {@code groups}, {@code email} (when known), {@code iat}, {@code nbf}, {@code exp}
 * ({@code iat + identity.assertion_seconds}) and {@code jti}; the header names the key ({@code kid}) in
 * {@link #jwks()}. A service verifies it with any JOSE library against {@code /.well-known/jwks.json}, checking
 * {@code iss}, {@code aud} and {@code exp}.
 * <p>
 * The proxy asks on every request, so {@link #headerValue} hands the same token to one caller of one service
 * while at least {@link #reuseMargin} of its life is left; a token therefore names a caller for a while, not a
 * request, and its {@code jti} is no nonce.
 */
public final class IdentityAssertions {
    /** Tokens kept for reuse, one per caller, service and key: a few hundred bytes each. */
    static final int CACHED_TOKENS = 10_000;

    private final SigningKeys keys;
    private final Supplier<String> issuer;
    private final Clock clock;
    private final String header;
    private final Duration lifetime;
    private final Duration reuseMargin;
    private final Cache<Key, Signed> cache;

    private record Key(String sub, List<String> groups, String email, String audience, String kid) { }

    private record Signed(String token, Instant reuseUntil) { }

    /**
     * @param issuer Berth's public URL ({@code server.public_url}, or what Berth makes of it), asked on each signing
     */
    public IdentityAssertions(SigningKeys keys, Identity config, Supplier<String> issuer, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
        this.header = config.assertionHeader;
        this.lifetime = Duration.ofSeconds(config.assertionSeconds);
        this.reuseMargin = reuseMargin(lifetime);
        this.cache = Caffeine.newBuilder().maximumSize(CACHED_TOKENS).expireAfterWrite(lifetime.minus(reuseMargin))
                .build();
    }

    /** Until how little life is left a token is reused: a minute, or a third of its life when that is shorter. */
    static Duration reuseMargin(Duration lifetime) {
        Duration third = lifetime.dividedBy(3);
        return third.compareTo(Duration.ofMinutes(1)) < 0 ? third : Duration.ofMinutes(1);
    }

    /** The header the assertion travels in ({@code identity.assertion_header}). */
    public String headerName() {
        return header;
    }

    /**
     * The assertion for one caller of one service, reused while fresh enough (see the class comment).
     *
     * @param sub      the caller's user name
     * @param groups   their groups (may be empty)
     * @param email    their e-mail address, or null when unknown
     * @param audience the service's route, as the service knows itself (its {@code aud} check)
     */
    public String headerValue(String sub, List<String> groups, String email, String audience) {
        SigningKeys.Active active = keys.active();
        Key key = new Key(sub, List.copyOf(groups), email, audience, active.kid());
        Instant now = clock.instant();
        Signed cached = cache.getIfPresent(key);
        if (cached != null && now.isBefore(cached.reuseUntil())) {
            return cached.token();
        }
        String token = sign(active, key.sub(), key.groups(), email, audience, now);
        cache.put(key, new Signed(token, now.plus(lifetime).minus(reuseMargin)));
        return token;
    }

    /** A freshly signed assertion (no reuse): the same claims as {@link #headerValue}. */
    public String sign(String sub, List<String> groups, String email, String audience) {
        return sign(keys.active(), sub, List.copyOf(groups), email, audience, clock.instant());
    }

    /** The public signing keys, a JWK set as JSON: what {@code /.well-known/jwks.json} serves. */
    public String jwks() {
        return keys.jwks();
    }

    private String sign(SigningKeys.Active active, String sub, List<String> groups, String email, String audience,
                        Instant now) {
        Date issued = Date.from(now.truncatedTo(ChronoUnit.SECONDS));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer.get()).audience(audience).subject(sub)
                .claim("preferred_username", sub).claim("groups", groups).issueTime(issued).notBeforeTime(issued)
                .expirationTime(Date.from(issued.toInstant().plus(lifetime))).jwtID(UUID.randomUUID().toString());
        if (email != null) {
            claims.claim("email", email);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(active.kid())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(active.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an identity assertion with key \"" + active.kid() + "\": "
                    + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
