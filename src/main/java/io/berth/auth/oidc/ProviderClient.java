package io.berth.auth.oidc;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import io.berth.config.Oidc;
import io.berth.model.BerthException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;
import org.pac4j.core.http.callback.NoParameterCallbackUrlResolver;
import org.pac4j.oidc.client.OidcClient;
import org.pac4j.oidc.config.OidcConfiguration;

/**
 * pac4j's OIDC client for the configured provider, set for the authorization code flow only (PKCE S256, state,
 * nonce, signed ID tokens), built and initialised (discovery read) on first use; after a failure it is retried at
 * most every 5 s, and in between {@link #client} throws the same clear 503 instead of hammering a provider that is down.
 */
final class ProviderClient {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Oidc config;
    private final String secret;
    private final Supplier<String> callbackUrl;
    private volatile OidcClient client;
    private long failedAt;
    private BerthException failure;

    ProviderClient(Oidc config, String secret, Supplier<String> callbackUrl) {
        this.config = config;
        this.secret = secret;
        this.callbackUrl = callbackUrl;
    }

    /** The client, built and initialised (discovery read) on first use; after a failure, retried at most every 5 s. */
    OidcClient client() {
        OidcClient c = client;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (client != null) {
                return client;
            }
            if (failure == null || System.currentTimeMillis() - failedAt > RETRY_AFTER.toMillis()) {
                try {
                    client = build();
                    failure = null;
                    return client;
                } catch (RuntimeException e) {
                    failedAt = System.currentTimeMillis();
                    failure = causedBy(e, IOException.class) ? unreachable(rootMessage(e))
                            : new BerthException(503, "sso_unavailable", "Single sign-on is not set up right ("
                            + rootMessage(e) + "); an administrator must check auth.oidc. Administrators can still"
                            + " log in with their local password.", null);
                    OidcLogin.LOG.warn("the identity provider at {} cannot be used: {}", config.issuer, rootMessage(e));
                }
            }
            throw failure;
        }
    }

    private OidcClient build() {
        OidcConfiguration oidc = new OidcConfiguration();
        oidc.setDiscoveryURI(config.issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        oidc.setClientId(config.clientId);
        oidc.setSecret(secret);
        oidc.setClientAuthenticationMethod(secret.isEmpty() ? ClientAuthenticationMethod.NONE
                : ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        oidc.setScope(config.scopes);
        oidc.setResponseType("code"); // the authorization code flow only: no token ever travels through the browser
        oidc.setResponseMode("query");
        oidc.setAllowUnsignedIdTokens(false);
        oidc.setWithState(true);
        oidc.setUseNonce(true);
        oidc.setPkceMethod(CodeChallengeMethod.S256);
        oidc.setMaxClockSkew(config.clockSkewSeconds);
        oidc.setConnectTimeout(5000);
        oidc.setReadTimeout(10000);
        OidcClient built = new OidcClient(oidc);
        built.setCallbackUrl(callbackUrl.get());
        built.setCallbackUrlResolver(new NoParameterCallbackUrlResolver());
        built.init();
        oidc.getOpMetadataResolver().load(); // reads discovery now, so an unreachable provider shows up here
        return built;
    }

    BerthException unreachable(String reason) {
        return new BerthException(503, "sso_unavailable", "The sign-in service (" + config.displayName
                + ") cannot be reached right now: " + reason + ". Try again in a few minutes; administrators can"
                + " still log in with their local password.", null);
    }

    /** What the provider said to a refresh: still signed in (with the new tokens), signed out, or nothing. */
    record Refreshed(Outcome outcome, String refreshToken, JWTClaimsSet idClaims, String reason) {
        enum Outcome { STILL_IN, SIGNED_OUT, NO_ANSWER }
    }

    /**
     * Uses a refresh token at the provider's token endpoint (with this client's credentials), as a re-check that
     * the person is still signed in there. {@code invalid_grant} means the provider ended the session or the user
     * (disabled, logged out, refresh token expired); any other failure says nothing either way.
     */
    Refreshed refresh(String refreshToken) {
        try {
            var metadata = client().getConfiguration().getOpMetadataResolver().load();
            var grant = new RefreshTokenGrant(
                    new RefreshToken(refreshToken));
            var clientId = new ClientID(config.clientId);
            var request = secret.isEmpty()
                    ? new TokenRequest(metadata.getTokenEndpointURI(), clientId, grant)
                    : new TokenRequest(metadata.getTokenEndpointURI(),
                    new ClientSecretBasic(clientId,
                            new Secret(secret)), grant);
            var http = request.toHTTPRequest();
            http.setConnectTimeout(5000);
            http.setReadTimeout(10000);
            var response = OIDCTokenResponseParser.parse(http.send());
            if (!response.indicatesSuccess()) {
                var error = response.toErrorResponse().getErrorObject();
                boolean out = OAuth2Error.INVALID_GRANT.getCode().equals(error.getCode());
                return new Refreshed(out ? Refreshed.Outcome.SIGNED_OUT : Refreshed.Outcome.NO_ANSWER, null, null,
                        error.getCode() + (error.getDescription() == null ? "" : ": " + error.getDescription()));
            }
            var success = response.toSuccessResponse();
            var tokens = success.getTokens();
            String next = tokens.getRefreshToken() == null ? refreshToken : tokens.getRefreshToken().getValue();
            JWT id = success instanceof OIDCTokenResponse oidc ? oidc.getOIDCTokens().getIDToken() : null;
            return new Refreshed(Refreshed.Outcome.STILL_IN, next, id == null ? null : id.getJWTClaimsSet(), null);
        } catch (BerthException | IOException | ParseException | java.text.ParseException e) {
            return new Refreshed(Refreshed.Outcome.NO_ANSWER, null, null, rootMessage(e));
        }
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's message, cut at 300 characters: what the provider or the library said. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }
}
