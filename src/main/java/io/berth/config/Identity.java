package io.berth.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The caller's identity as the proxy hands it to services whose template asks for it ({@code identity: headers};
 * {@code identity:} in berth.yaml). Plain headers carry the user name, groups and e-mail; the proxy removes any copy a
 * client sent, on every route. The signed assertion (a JWT under {@code assertion_header}) is for services that must
 * not trust the network: they verify it against Berth's {@code /.well-known/jwks.json}.
 * <p>
 * {@link #check()} refuses, naming the key, a header name that is no HTTP token, one that is hop-by-hop (a proxy on
 * the way would drop it) or one Berth itself sets on forwarded requests, and two keys naming the same header.
 */
public final class Identity {
    public static final String DEFAULT_USER_HEADER = "X-Forwarded-User";
    public static final String DEFAULT_GROUPS_HEADER = "X-Forwarded-Groups";
    public static final String DEFAULT_EMAIL_HEADER = "X-Forwarded-Email";
    public static final String DEFAULT_ASSERTION_HEADER = "X-Berth-Identity";
    public static final int DEFAULT_ASSERTION_SECONDS = 300;
    public static final int MIN_ASSERTION_SECONDS = 30;
    /** Five minutes: a leaked assertion is worth little for long. */
    public static final int MAX_ASSERTION_SECONDS = 300;
    public static final int DEFAULT_KEY_ROTATION_HOURS = 24;
    /** A year; rotating less often than that defeats the purpose. */
    public static final int MAX_KEY_ROTATION_HOURS = 24 * 366;

    /**
     * Header names a service must not receive from this section: hop-by-hop ones (RFC 9110 section 7.6.1), framing
     * ones, and those Berth sets or replaces on every forwarded request ({@code proxy/ForwardedHeaders}).
     */
    static final Set<String> RESERVED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "content-length", "host",
            "authorization", "cookie", "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
            "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-real-ip");

    /** Header with the caller's user name (their account key, as in URLs). */
    public String userHeader = DEFAULT_USER_HEADER;
    /** Header with the caller's groups, comma-separated. */
    public String groupsHeader = DEFAULT_GROUPS_HEADER;
    /** Header with the caller's e-mail address, when Berth knows it (absent otherwise). */
    public String emailHeader = DEFAULT_EMAIL_HEADER;
    /** Header with the signed assertion: a JWT (ES256) to verify against {@code /.well-known/jwks.json}. */
    public String assertionHeader = DEFAULT_ASSERTION_HEADER;
    /** Seconds an assertion is valid ({@code exp - iat}), 30 to 300. */
    public int assertionSeconds = DEFAULT_ASSERTION_SECONDS;
    /**
     * Hours between new signing keys (at least 1). A key is published some minutes before it signs, and stays
     * published until every assertion it signed has expired.
     */
    public int keyRotationHours = DEFAULT_KEY_ROTATION_HOURS;

    /** Throws a {@link ConfigException} naming the first key whose value cannot work. */
    public void check() {
        Map<String, String> seen = new HashMap<>();
        header("identity.user_header", userHeader, seen);
        header("identity.groups_header", groupsHeader, seen);
        header("identity.email_header", emailHeader, seen);
        header("identity.assertion_header", assertionHeader, seen);
        if (assertionSeconds < MIN_ASSERTION_SECONDS || assertionSeconds > MAX_ASSERTION_SECONDS) {
            throw new ConfigException("identity.assertion_seconds is " + assertionSeconds + "; use "
                    + MIN_ASSERTION_SECONDS + " to " + MAX_ASSERTION_SECONDS);
        }
        if (keyRotationHours < 1 || keyRotationHours > MAX_KEY_ROTATION_HOURS) {
            throw new ConfigException("identity.key_rotation_hours is " + keyRotationHours + "; use 1 to "
                    + MAX_KEY_ROTATION_HOURS);
        }
    }

    private static void header(String key, String name, Map<String, String> seen) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(Identity::tokenChar)) {
            throw new ConfigException(key + " is \"" + name + "\"; it must be an HTTP header name (letters, digits"
                    + " and !#$%&'*+-.^_`|~, no spaces)");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower)) {
            throw new ConfigException(key + " is \"" + name + "\"; Berth or the HTTP connection itself sets that"
                    + " header, so pick another name");
        }
        String other = seen.putIfAbsent(lower, key);
        if (other != null) {
            throw new ConfigException(key + " is \"" + name + "\", the same header as " + other);
        }
    }

    /** RFC 9110's tchar. */
    private static boolean tokenChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
