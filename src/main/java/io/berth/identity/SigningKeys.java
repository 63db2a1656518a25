package io.berth.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.berth.config.Identity;
import io.berth.store.SigningKeyStore;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys that sign identity assertions (ES256, P-256), kept in {@link SigningKeyStore} and rotated on a schedule
 * every Berth on the database computes alike from the stored rows alone:
 * <ul>
 * <li>a new key is made when the newest is {@code key_rotation_hours} minus {@link #PUBLISH_AHEAD} old; it is
 * published at once but signs only {@code PUBLISH_AHEAD} after its creation, so verifiers that cache the JWKS
 * (for its {@code max-age}, or nimbus's five minutes) already hold it when the first assertion it signed arrives;</li>
 * <li>the key that signs is the newest whose {@code created_at + PUBLISH_AHEAD} has passed (the oldest key while
 * none has: a fresh store's first key signs at once);</li>
 * <li>a key is retired when its successor starts signing, and deleted (dropped from the JWKS) once every assertion
 * it signed has expired: {@code retired_at + assertion_seconds + }{@link #SKEW}.</li>
 * </ul>
 * Replicas: two Berths that find the newest key due at the same moment may both insert one. Nothing breaks: both
 * keys are published, the newer (by created time, then key id) takes over a moment after the older, and the older
 * is retired and later deleted like any other. Each Berth re-reads the store on a timer ({@link #refresh()}) and when
 * its own schedule says something changes; {@link #active()} between those is a field read.
 */
public final class SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    /** How long a new key is published before it signs: longer than verifiers' JWKS caches (nimbus: 5 minutes). */
    public static final Duration PUBLISH_AHEAD = Duration.ofMinutes(10);
    /**
     * Beyond an assertion's expiry, how long its key stays published: verifiers accept a token up to a minute past
     * {@code exp} by default (nimbus, most JOSE libraries), and replicas' clocks differ a little.
     */
    public static final Duration SKEW = Duration.ofMinutes(2);
    /** How soon a refresh that failed (the database did not answer) is tried again from the signing path. */
    private static final Duration RETRY = Duration.ofSeconds(30);

    /** The key that signs now, ready to use. */
    public record Active(String kid, JWSSigner signer) { }

    /** What this Berth knows of the keys: the active one, the public JWKS, and when to look at the store again. */
    private record Ring(Active active, String jwks, Instant refreshAt) { }

    private final SigningKeyStore store;
    private final Clock clock;
    private final Duration rotation;
    private final Duration lifetime;
    private volatile Ring ring;

    public SigningKeys(SigningKeyStore store, Identity config, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.rotation = Duration.ofHours(config.keyRotationHours);
        this.lifetime = Duration.ofSeconds(config.assertionSeconds);
    }

    /** The key to sign with now; reads the store only when this Berth's schedule says the keys change. */
    public Active active() {
        Ring r = ring;
        if (r == null || !clock.instant().isBefore(r.refreshAt())) {
            r = refreshFromSigningPath();
        }
        return r.active();
    }

    /** The public keys as a JWK set (JSON): the active key, the next one, and retired ones still needed. */
    public String jwks() {
        active(); // a refresh that is due happens here too
        return ring.jwks();
    }

    /**
     * Reads the store and brings it up to date: makes the first or the next key when due, records retirements,
     * deletes keys no assertion needs any more. Run on a timer and at start; safe to run on several Berths at once.
     */
    public synchronized void refresh() {
        // to the millisecond: databases keep micro- (PostgreSQL) or rounded (H2) times, never later than this
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<SigningKeyStore.Row> keys = store.all();
        if (keys.isEmpty() || !now.isBefore(nextCreation(keys))) {
            SigningKeyStore.Row made = generate(now);
            store.insert(made);
            LOG.info("signing key \"{}\" made; it signs identity assertions from {}", made.kid(),
                    keys.isEmpty() ? "now" : made.createdAt().plus(PUBLISH_AHEAD));
            keys = store.all(); // another Berth may have made one at the same time: both count
        }
        int signing = signingIndex(keys, now);
        List<JWK> published = new ArrayList<>();
        Instant refreshAt = nextCreation(keys);
        for (int i = 0; i < keys.size(); i++) {
            SigningKeyStore.Row key = keys.get(i);
            Instant retired = key.retiredAt();
            if (retired == null && i < signing) {
                retired = activation(keys.get(i + 1));
                store.retire(key.kid(), retired);
            }
            if (i < signing && retired != null && !now.isBefore(retired.plus(lifetime).plus(SKEW))) {
                store.delete(key.kid());
                LOG.info("signing key \"{}\" deleted: every assertion it signed has expired", key.kid());
                continue;
            }
            if (i < signing && retired != null) {
                refreshAt = min(refreshAt, retired.plus(lifetime).plus(SKEW));
            } else if (i > signing) {
                refreshAt = min(refreshAt, activation(key));
            }
            published.add(parse(key).toPublicJWK());
        }
        Active active = new Active(keys.get(signing).kid(), signer(parse(keys.get(signing))));
        ring = new Ring(active, new JWKSet(published).toString(true), refreshAt);
    }

    private synchronized Ring refreshFromSigningPath() {
        Ring r = ring;
        if (r != null && clock.instant().isBefore(r.refreshAt())) {
            return r; // another thread refreshed while this one waited
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            if (r == null) {
                throw e;
            }
            LOG.warn("signing keys could not be refreshed ({}); signing on with key \"{}\"", e.toString(),
                    r.active().kid());
            ring = new Ring(r.active(), r.jwks(), clock.instant().plus(RETRY));
        }
        return ring;
    }

    /** The newest key that has been published long enough; the oldest while none has. */
    private static int signingIndex(List<SigningKeyStore.Row> keys, Instant now) {
        for (int i = keys.size() - 1; i > 0; i--) {
            if (!now.isBefore(activation(keys.get(i)))) {
                return i;
            }
        }
        return 0;
    }

    private static Instant activation(SigningKeyStore.Row key) {
        return key.createdAt().plus(PUBLISH_AHEAD);
    }

    private Instant nextCreation(List<SigningKeyStore.Row> keys) {
        return keys.get(keys.size() - 1).createdAt().plus(rotation).minus(PUBLISH_AHEAD);
    }

    private static SigningKeyStore.Row generate(Instant now) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
            return new SigningKeyStore.Row(key.getKeyID(), JWSAlgorithm.ES256.getName(), key.toJSONString(), now, null);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a P-256 key: " + e.getMessage(), e);
        }
    }

    private static ECKey parse(SigningKeyStore.Row key) {
        try {
            return ECKey.parse(key.privateJwk());
        } catch (ParseException e) {
            throw new IllegalStateException("signing key \"" + key.kid() + "\" in the store is no EC JWK: "
                    + e.getMessage(), e);
        }
    }

    private static JWSSigner signer(ECKey key) {
        try {
            return new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing key \"" + key.getKeyID() + "\" cannot sign: " + e.getMessage(), e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
