package io.berth.auth.oidc;

import io.berth.model.BerthException;
import java.text.ParseException;
import java.util.List;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.oidc.credentials.OidcCredentials;
import org.pac4j.oidc.profile.OidcProfile;

/**
 * Berth's own checks after pac4j's, so that who signs in can only come from an ID token that this client got by
 * exchanging a code: the credentials hold a code, the profile an ID token, the token is meant for this client
 * ({@code aud} holds the client id; {@code azp}, when present or when there are several audiences, is the client id),
 * and the profile's subject is the token's. pac4j checks the signature, issuer, audience, nonce and times; these
 * repeat the ones that matter most so a change of library defaults cannot quietly open a hole.
 */
final class IdTokenChecks {
    private IdTokenChecks() { }

    static void require(String clientId, Credentials credentials, OidcProfile profile) {
        if (!(credentials instanceof OidcCredentials oidc) || oidc.getCode() == null) {
            throw refused("credentials without a code", "Berth signs people in only by exchanging a sign-in code.");
        }
        if (profile.getIdTokenString() == null) {
            throw refused("no ID token from the code exchange", "The sign-in service sent no ID token.");
        }
        try {
            var claims = com.nimbusds.jwt.JWTParser.parse(profile.getIdTokenString()).getJWTClaimsSet();
            List<String> audience = claims.getAudience();
            Object azp = claims.getClaim("azp");
            if (audience == null || !audience.contains(clientId)) {
                throw refused("ID token for " + audience + ", not " + clientId, "The ID token was issued to"
                        + " another application.");
            }
            if ((azp != null || audience.size() > 1) && !clientId.equals(azp)) {
                throw refused("ID token's azp is " + azp + ", not " + clientId, "The ID token was issued to another"
                        + " application.");
            }
            if (claims.getSubject() == null || !claims.getSubject().equals(profile.getId())) {
                throw refused("profile subject " + profile.getId() + " is not the ID token's " + claims.getSubject(),
                        "The sign-in service's answers disagree about who you are.");
            }
        } catch (ParseException e) {
            throw refused("ID token unreadable: " + e.getMessage(), "The sign-in service's ID token is unreadable.");
        }
    }

    private static BerthException refused(String logged, String shown) {
        OidcLogin.LOG.warn("single sign-on refused: {}", logged);
        return new BerthException(401, "sso_refused", shown + " Nobody was signed in. Please sign in again.", null);
    }
}
