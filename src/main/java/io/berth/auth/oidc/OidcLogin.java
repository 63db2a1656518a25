package io.berth.auth.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.auth.Sessions;
import io.berth.auth.SsoIdentity;
import io.berth.config.Oidc;
import io.berth.model.BerthException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pac4j.core.context.CallContext;
import org.pac4j.core.exception.http.WithLocationAction;
import org.pac4j.oidc.client.OidcClient;
import org.pac4j.oidc.exceptions.OidcException;
import org.pac4j.oidc.exceptions.OidcMissingSessionStateException;
import org.pac4j.oidc.exceptions.OidcMissingStateParameterException;
import org.pac4j.oidc.exceptions.OidcStateMismatchException;
import org.pac4j.oidc.exceptions.OidcTokenException;
import org.pac4j.oidc.profile.OidcProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single sign-on with an OpenID Connect provider: the authorization code flow with PKCE, state and nonce, through
 * pac4j's {@link OidcClient}. {@link #begin} sends the browser to the provider; {@link #finish} checks its answer
 * and says who signed in. What pac4j keeps in between lives in memory for ten minutes under a cookie of its own and
 * is used once, so a replayed answer finds nothing. Failures are {@link BerthException}s with a sentence for the
 * user; the technical cause goes to the log (never a token).
 */
public final class OidcLogin {
    public static final String START_PATH = "/login/oidc";
    public static final String CALLBACK_PATH = "/login/oidc/callback";
    /** "Sign in as someone else" after a refused sign-in: ends the provider's session, then back to the login page. */
    public static final String SWITCH_PATH = "/login/oidc/switch";
    static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);
    private static final String COOKIE = "berth_login";
    private static final Duration PENDING_FOR = Duration.ofMinutes(10);
    private static final String NEXT = "berth.next";

    private final Oidc config;
    private final boolean secure;
    private final Cache<String, Map<String, Object>> pending = Caffeine.newBuilder()
            .expireAfterWrite(PENDING_FOR).maximumSize(100_000).build();
    /** ID tokens of refused sign-ins, kept server-side so the page links to a random key, never to the token. */
    private final Cache<String, String> refusedSignIns = Caffeine.newBuilder()
            .expireAfterWrite(PENDING_FOR).maximumSize(10_000).build();
    private final ProviderClient provider;

    public OidcLogin(Oidc config, boolean secure, Supplier<String> portalUrl) {
        OidcSettings.check(config);
        this.config = config;
        this.secure = secure;
        this.provider = new ProviderClient(config, ClientSecret.read(config), () -> portalUrl.get() + CALLBACK_PATH);
    }

    public boolean enabled() {
        return !config.issuer.isBlank();
    }

    /** The provider's client, for {@link SessionRecheck}. */
    ProviderClient provider() {
        return provider;
    }

    public String displayName() {
        return config.displayName;
    }

    /** Starts a sign-in: remembers {@code next}, sets the sign-in cookie and returns the provider's URL. */
    public String begin(Context ctx, String next) {
        OidcClient c = provider.client();
        String id = Sessions.randomToken();
        Map<String, Object> values = new ConcurrentHashMap<>();
        values.put(NEXT, next);
        var call = new CallContext(new JavalinWebContext(ctx, Map.of()), new MapSessionStore(id, values));
        var action = c.getRedirectionAction(call)
                .orElseThrow(() -> new IllegalStateException("pac4j gave no redirection"));
        pending.put(id, values);
        ctx.res().addHeader("Set-Cookie", cookieName() + "=" + id + "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
                + PENDING_FOR.toSeconds() + (secure ? "; Secure" : ""));
        return ((WithLocationAction) action).getLocation();
    }

    /** The page to show once signed in. */
    public record SignIn(SsoIdentity identity, String next) { }

    /** Checks the provider's answer on the callback; the sign-in it belongs to is used up either way. */
    public SignIn finish(Context ctx) {
        String id = ctx.cookie(cookieName());
        Map<String, Object> values = id == null ? null : pending.asMap().remove(id);
        ctx.res().addHeader("Set-Cookie", cookieName() + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
                + (secure ? "; Secure" : ""));
        if (values == null) {
            throw refused(400, "no sign-in in progress for this browser (expired, used, or started elsewhere)",
                    "This sign-in has expired or was already used. Please sign in again.");
        }
        CallbackAnswer answer = CallbackAnswer.read(ctx.queryParamMap());
        if (answer.error() != null) {
            String description = answer.errorDescription();
            throw refused(401, "provider answered " + answer.error(),
                    "The sign-in service did not sign you in (" + shorten(answer.error())
                            + (description == null ? "" : ": " + shorten(description)) + ").");
        }
        OidcClient c = provider.client();
        checkIssuer(c, answer.issuer());
        var call = new CallContext(new JavalinWebContext(ctx, answer.forLibrary()), new MapSessionStore(id, values));
        try {
            var credentials = c.getCredentials(call).orElseThrow(() -> refused(400, "no credentials in the callback",
                    "The sign-in service's answer carried no sign-in code. Please sign in again."));
            credentials = c.validateCredentials(call, credentials).orElseThrow(() -> refused(401,
                    "credentials not validated", "The sign-in could not be checked. Please sign in again."));
            var profile = (OidcProfile) c.getUserProfile(call, credentials).orElseThrow(() -> refused(401,
                    "no profile", "The sign-in service said nothing about who you are. Please sign in again."));
            IdTokenChecks.require(config.clientId, credentials, profile);
            return new SignIn(Claims.identity(config, profile), (String) values.get(NEXT));
        } catch (OidcStateMismatchException | OidcMissingStateParameterException | OidcMissingSessionStateException e) {
            throw refused(400, e.getMessage(), "This answer does not belong to the sign-in this browser started"
                    + " (wrong state). Please sign in again.");
        } catch (OidcTokenException e) {
            throw refused(401, e.getMessage(), "The sign-in service refused the sign-in code; it may have been used"
                    + " already, have expired, or have been issued to another application. Please sign in again.");
        } catch (OidcException e) {
            throw failedCheck(e);
        } catch (BerthException e) {
            throw e;
        } catch (RuntimeException e) { // whatever else the library throws at an odd answer: a refusal, not a 500
            throw failedCheck(e);
        }
    }

    /** RFC 9207: an {@code iss} in the answer must be this provider's, or the answer comes from another one. */
    private void checkIssuer(OidcClient c, String issuer) {
        if (issuer == null) {
            return;
        }
        String expected = c.getConfiguration().getOpMetadataResolver().load().getIssuer().getValue();
        if (!expected.equals(issuer)) {
            throw refused(400, "answer names issuer " + issuer + ", not " + expected, "This answer comes from"
                    + " another sign-in service than the one Berth uses. Nobody was signed in.");
        }
    }

    private static String shorten(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /**
     * Where to send the browser to end the provider's session too (RP-initiated logout), coming back to
     * {@code returnTo}; null when the provider offers no such endpoint or it is turned off.
     */
    public String logoutUrl(String idToken, String returnTo) {
        return logoutUrl(idToken, returnTo, config.providerLogout);
    }

    private String logoutUrl(String idToken, String returnTo, boolean wanted) {
        if (!wanted || idToken == null) {
            return null;
        }
        try {
            var endpoint = provider.client().getConfiguration().getOpMetadataResolver().load().getEndSessionEndpointURI();
            if (endpoint == null) {
                return null;
            }
            return new com.nimbusds.openid.connect.sdk.LogoutRequest(endpoint,
                    com.nimbusds.jwt.JWTParser.parse(idToken), new java.net.URI(returnTo), null).toURI().toString();
        } catch (BerthException | java.text.ParseException | java.net.URISyntaxException e) {
            LOG.warn("logging out of the identity provider is not possible: {}", e.getMessage());
            return null;
        }
    }

    /**
     * The link of "Sign in as someone else" for a sign-in the provider made but Berth refused (outside
     * {@code allowed_groups}, a name clash): without ending the provider's session, the next "Sign in" would be
     * refused at once with the same account.
     */
    public String switchLink(String idToken) {
        if (idToken == null) {
            return null;
        }
        String key = Sessions.randomToken();
        refusedSignIns.put(key, idToken);
        return SWITCH_PATH + "?k=" + key;
    }

    /** Where {@link #switchLink}'s link goes: the provider's logout (once per key), else {@code loginPage}. */
    public String switchAccount(String key, String loginPage) {
        String idToken = key == null ? null : refusedSignIns.asMap().remove(key);
        String atProvider = idToken == null ? null : logoutUrl(idToken, loginPage, true);
        return atProvider != null ? atProvider : loginPage;
    }

    private String cookieName() {
        return secure ? "__Host-" + COOKIE : COOKIE;
    }

    /** An answer that failed a check: signature, issuer, audience, nonce, times; or the provider went away. */
    private BerthException failedCheck(RuntimeException e) {
        String reason = ProviderClient.rootMessage(e);
        if (ProviderClient.causedBy(e, java.io.IOException.class)) {
            return provider.unreachable(reason);
        }
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        boolean clock = lower.contains("expired") || lower.contains("ahead of current time")
                || lower.contains("before use time");
        return refused(401, reason, "The sign-in service's answer failed Berth's checks (" + reason + "), so nobody"
                + " was signed in." + (clock ? " If this repeats, this server's clock may be wrong: check NTP." : ""));
    }

    private static BerthException refused(int status, String logged, String shown) {
        LOG.warn("single sign-on refused: {}", logged);
        return new BerthException(status, "sso_refused", shown, null);
    }

}
