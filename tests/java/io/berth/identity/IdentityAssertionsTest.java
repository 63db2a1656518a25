package io.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.berth.config.BerthConfig;
import io.berth.config.Identity;
import io.berth.store.Database;
import io.berth.store.SigningKeyStore;
import io.berth.testing.HandClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity assertions signed with keys in a real H2 store (migrated as in production), verified the way a service
 * would: nimbus-jose-jwt against the published JWK set.
 */
class IdentityAssertionsTest {
    private static final String ISSUER = "https://apps.example.org";
    private static final String AUDIENCE = "/user/alice/lab/web/";

    @TempDir
    Path dir;
    private Database db;
    private SigningKeyStore store;
    private final Identity config = new Identity();

    @BeforeEach
    void open() {
        BerthConfig.Store c = new BerthConfig.Store();
        c.url = "jdbc:h2:file:" + dir.resolve("berth");
        db = new Database(c);
        store = new SigningKeyStore(db.jdbi());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private IdentityAssertions assertions(Clock clock) {
        SigningKeys keys = new SigningKeys(store, config, clock);
        keys.refresh();
        return new IdentityAssertions(keys, config, () -> ISSUER, clock);
    }

    @Test
    void a_token_verifies_against_the_published_keys_with_the_callers_claims() throws Exception {
        IdentityAssertions identity = assertions(Clock.systemUTC());
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        String token = identity.headerValue("alice", List.of("lqcd", "hpc"), "alice@example.org", AUDIENCE);
        JWTClaimsSet claims = Verifier.verify(token, identity.jwks(), ISSUER, AUDIENCE, Instant.now());

        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getAudience()).containsExactly(AUDIENCE);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringListClaim("groups")).containsExactly("lqcd", "hpc");
        assertThat(claims.getStringClaim("email")).isEqualTo("alice@example.org");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getIssueTime().toInstant()).isBetween(before, Instant.now());
        assertThat(claims.getNotBeforeTime()).isEqualTo(claims.getIssueTime());
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofSeconds(300)).isLessThanOrEqualTo(Duration.ofMinutes(5));
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(JWKSet.parse(identity.jwks()).getKeys().get(0).getKeyID());
    }

    @Test
    void a_token_without_email_has_no_email_claim_and_another_audience_is_refused() throws Exception {
        IdentityAssertions identity = assertions(Clock.systemUTC());
        String token = identity.headerValue("bob", List.of(), null, AUDIENCE);

        JWTClaimsSet claims = Verifier.verify(token, identity.jwks(), ISSUER, AUDIENCE, Instant.now());
        assertThat(claims.getClaims()).doesNotContainKey("email");
        assertThat(claims.getStringListClaim("groups")).isEmpty();
        assertThatThrownBy(() -> Verifier.verify(token, identity.jwks(), ISSUER, "/user/bob/other/web/",
                Instant.now())).hasMessageContaining("aud claim rejected");
    }

    @Test
    void the_published_set_holds_no_private_part_of_any_key() throws Exception {
        HandClock clock = new HandClock(Instant.now());
        IdentityAssertions identity = assertions(clock);
        clock.advance(Duration.ofHours(24).minus(SigningKeys.PUBLISH_AHEAD)); // a second key, published ahead
        identity.headerValue("alice", List.of(), null, AUDIENCE);

        String jwks = identity.jwks();
        assertThat(JWKSet.parse(jwks).getKeys()).hasSize(2).allSatisfy(key -> {
            assertThat(key.isPrivate()).isFalse();
            assertThat(key.toJSONObject()).containsKeys("kid", "kty", "crv", "x", "y").doesNotContainKey("d");
        });
        assertThat(jwks).doesNotContain("\"d\"");
        assertThat(store.all()).allSatisfy(row -> assertThat(row.privateJwk()).contains("\"d\""));
    }

    @Test
    void a_token_is_reused_for_the_same_caller_and_service_until_a_minute_of_it_is_left() {
        HandClock clock = new HandClock(Instant.now());
        IdentityAssertions identity = assertions(clock);
        String first = identity.headerValue("alice", List.of("lqcd"), null, AUDIENCE);

        assertThat(identity.headerValue("alice", List.of("lqcd"), null, AUDIENCE)).isEqualTo(first);
        assertThat(identity.headerValue("alice", List.of("lqcd", "hpc"), null, AUDIENCE)).as("other groups")
                .isNotEqualTo(first);
        assertThat(identity.headerValue("alice", List.of("lqcd"), null, "/user/alice/lab/db/")).as("other service")
                .isNotEqualTo(first);
        assertThat(identity.headerValue("alice", List.of("lqcd"), "a@example.org", AUDIENCE)).as("e-mail now known")
                .isNotEqualTo(first);
        clock.advance(Duration.ofSeconds(239));
        assertThat(identity.headerValue("alice", List.of("lqcd"), null, AUDIENCE)).as("61 s left").isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(identity.headerValue("alice", List.of("lqcd"), null, AUDIENCE)).as("60 s left").isNotEqualTo(first);
        assertThat(identity.sign("alice", List.of("lqcd"), null, AUDIENCE)).as("sign never reuses")
                .isNotEqualTo(identity.sign("alice", List.of("lqcd"), null, AUDIENCE));
    }

    @Test
    void the_previous_keys_tokens_verify_through_the_overlap_and_fail_once_it_is_deleted() throws Exception {
        config.keyRotationHours = 1;
        HandClock clock = new HandClock(Instant.now().truncatedTo(ChronoUnit.MILLIS)); // as precise as the store
        IdentityAssertions identity = assertions(clock);
        String firstKid = kid(identity.headerValue("alice", List.of(), null, AUDIENCE));

        clock.advance(Duration.ofHours(1).minus(SigningKeys.PUBLISH_AHEAD)); // the next key is made and published
        identity.headerValue("alice", List.of(), null, AUDIENCE);
        clock.advance(SigningKeys.PUBLISH_AHEAD.minusSeconds(1)); // the first key still signs
        String lastOfFirst = identity.headerValue("alice", List.of(), null, AUDIENCE);
        Instant signedAt = clock.instant();
        assertThat(kid(lastOfFirst)).isEqualTo(firstKid);
        assertThat(JWKSet.parse(identity.jwks()).getKeys()).hasSize(2);

        clock.advance(Duration.ofSeconds(2)); // the next key signs now
        String fromNext = identity.headerValue("alice", List.of(), null, AUDIENCE);
        assertThat(kid(fromNext)).isNotEqualTo(firstKid);
        Verifier.verify(lastOfFirst, identity.jwks(), ISSUER, AUDIENCE, clock.instant());
        Verifier.verify(fromNext, identity.jwks(), ISSUER, AUDIENCE, clock.instant());
        assertThat(store.all()).filteredOn(row -> row.kid().equals(firstKid)).singleElement()
                .satisfies(row -> assertThat(row.retiredAt()).isEqualTo(signedAt.plusSeconds(1)));

        clock.advance(Duration.ofSeconds(300).plus(SigningKeys.SKEW).minusSeconds(2)); // just inside the overlap
        Verifier.verify(lastOfFirst, identity.jwks(), ISSUER, AUDIENCE, signedAt);
        clock.advance(Duration.ofSeconds(1)); // past it: the first key is gone
        assertThat(JWKSet.parse(identity.jwks()).getKeyByKeyId(firstKid)).isNull();
        assertThat(store.all()).extracting(SigningKeyStore.Row::kid).doesNotContain(firstKid);
        // verified as of its own signing time, so only the missing key can refuse it
        assertThatThrownBy(() -> Verifier.verify(lastOfFirst, identity.jwks(), ISSUER, AUDIENCE, signedAt))
                .hasMessageContaining("no matching key");
        Verifier.verify(fromNext, identity.jwks(), ISSUER, AUDIENCE, clock.instant().minusSeconds(300));
    }

    @Test
    void a_second_berth_on_the_same_store_signs_with_the_same_key_and_makes_none() throws Exception {
        IdentityAssertions one = assertions(Clock.systemUTC());
        IdentityAssertions two = assertions(Clock.systemUTC());

        String token = two.headerValue("alice", List.of(), null, AUDIENCE);
        assertThat(store.all()).hasSize(1);
        assertThat(kid(token)).isEqualTo(kid(one.headerValue("alice", List.of(), null, AUDIENCE)));
        Verifier.verify(token, one.jwks(), ISSUER, AUDIENCE, Instant.now());
    }

    @Test
    void two_keys_made_at_once_by_two_berths_both_verify_and_the_newer_takes_over_on_both() throws Exception {
        config.keyRotationHours = 1;
        HandClock clock = new HandClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        SigningKeys a = new SigningKeys(store, config, clock);
        SigningKeys b = new SigningKeys(store, config, clock);
        a.refresh();
        b.refresh();
        clock.advance(Duration.ofHours(1).minus(SigningKeys.PUBLISH_AHEAD));
        a.refresh(); // a makes the next key; b, at the same moment, has not seen it and makes its own:
        SigningKeyStore.Row raced = store.all().get(1);
        store.insert(new SigningKeyStore.Row("raced-key", raced.algorithm(), otherKey("raced-key"), raced.createdAt(),
                null));
        b.refresh();
        a.refresh();
        IdentityAssertions onA = new IdentityAssertions(a, config, () -> ISSUER, clock);
        IdentityAssertions onB = new IdentityAssertions(b, config, () -> ISSUER, clock);
        assertThat(JWKSet.parse(onA.jwks()).getKeys()).hasSize(3);
        String early = onA.headerValue("alice", List.of(), null, AUDIENCE);
        Instant earlyAt = clock.instant();

        clock.advance(SigningKeys.PUBLISH_AHEAD);
        String fromA = onA.headerValue("alice", List.of(), null, AUDIENCE);
        String fromB = onB.headerValue("alice", List.of(), null, AUDIENCE);
        assertThat(kid(fromA)).as("the newest of two keys of the same time: by key id").isEqualTo(kid(fromB))
                .isEqualTo(store.all().get(2).kid());
        Verifier.verify(early, onB.jwks(), ISSUER, AUDIENCE, earlyAt);
        Verifier.verify(fromA, onB.jwks(), ISSUER, AUDIENCE, clock.instant());
        Verifier.verify(fromB, onA.jwks(), ISSUER, AUDIENCE, clock.instant());
    }

    private static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private static String otherKey(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID(kid).generate().toJSONString();
    }
}
