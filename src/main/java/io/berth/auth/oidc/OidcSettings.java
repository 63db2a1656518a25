package io.berth.auth.oidc;

import io.berth.config.ConfigException;
import io.berth.config.Oidc;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;

/**
 * Checks every {@code auth.oidc.*} value at start, so a value that cannot work stops Berth (exit 2, naming the key)
 * instead of failing every sign-in later with a 500.
 */
public final class OidcSettings {
    /** Ten minutes: more than any sane clock difference; a larger value would stretch every token's lifetime. */
    static final int MAX_CLOCK_SKEW_SECONDS = 600;

    private OidcSettings() { }

    public static void check(Oidc c) {
        if (c.issuer.isBlank()) {
            return; // single sign-on is off
        }
        try {
            URI issuer = new URI(c.issuer);
            if (!("https".equals(issuer.getScheme()) || "http".equals(issuer.getScheme())) || issuer.getHost() == null
                    || issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
                throw new ConfigException("auth.oidc.issuer is \"" + c.issuer + "\"; it must be the provider's"
                        + " http(s) issuer URL without query or fragment, e.g. https://sso.site.org/realms/hpc");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException("auth.oidc.issuer is not a URL: " + e.getMessage());
        }
        requireWord("auth.oidc.client_id", c.clientId);
        requireWord("auth.oidc.username_claim", c.usernameClaim);
        requireWord("auth.oidc.groups_claim", c.groupsClaim);
        optionalWord("auth.oidc.uid_claim", c.uidClaim);
        optionalWord("auth.oidc.gid_claim", c.gidClaim);
        if (c.displayName.isBlank()) {
            throw new ConfigException("auth.oidc.display_name is empty; it names the button \"Sign in with …\"");
        }
        List<String> scopes = Arrays.asList(c.scopes.trim().split("\\s+"));
        if (!scopes.contains("openid")) {
            throw new ConfigException("auth.oidc.scopes is \"" + c.scopes + "\"; it must contain openid");
        }
        if (c.clockSkewSeconds < 0 || c.clockSkewSeconds > MAX_CLOCK_SKEW_SECONDS) {
            throw new ConfigException("auth.oidc.clock_skew_seconds is " + c.clockSkewSeconds + "; use 0 to "
                    + MAX_CLOCK_SKEW_SECONDS + " (seconds of clock difference tolerated with the provider)");
        }
        if (c.recheckSeconds < 0 || c.recheckSeconds > 86_400) {
            throw new ConfigException("auth.oidc.recheck_seconds is " + c.recheckSeconds + "; use 0 (off) to 86400");
        }
        groups("auth.oidc.admin_groups", c.adminGroups);
        groups("auth.oidc.allowed_groups", c.allowedGroups);
    }

    private static void requireWord(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is empty");
        }
        optionalWord(key, value);
    }

    private static void optionalWord(String key, String value) {
        if (value != null && !value.isEmpty() && !value.matches("[\\x21-\\x7e]{1,200}")) {
            throw new ConfigException(key + " is \"" + value + "\"; it must be one word of visible ASCII characters");
        }
    }

    private static void groups(String key, List<String> names) {
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new ConfigException(key + " holds an empty group name");
            }
        }
    }
}
