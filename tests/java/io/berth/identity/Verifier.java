package io.berth.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * What a service that must not trust the network does with an assertion: nimbus-jose-jwt's standard processor with
 * the JWK set Berth publishes, checking signature, issuer, audience and times. {@code at} is the verifier's "now"
 * (its {@code currentTime()}, the library's own hook), so tests can verify at a moved clock's time.
 */
final class Verifier {
    private Verifier() { }

    static JWTClaimsSet verify(String token, String jwks, String issuer, String audience, Instant at) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "iat", "exp", "jti")) {
            @Override
            protected Date currentTime() {
                return Date.from(at);
            }
        });
        return processor.process(token, null);
    }
}
