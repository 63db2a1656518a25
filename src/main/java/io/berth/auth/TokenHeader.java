package io.berth.auth;

import java.util.List;

/**
 * What a request's {@code Authorization} headers present, read by one rule for the API, the proxy and
 * {@code /metrics}, so no two places can disagree about which token a request carries.
 * <p>
 * Berth accepts a token in exactly one form: a single {@code Authorization} header whose value is the scheme
 * {@code Bearer} (letter case free, as RFC 9110 §11.1 says of schemes), one space, and a whole {@code berth_}
 * token. Anything near that (two spaces, another scheme, trailing text) is not a token. Several
 * {@code Authorization} headers are refused outright ({@link Kind#SEVERAL}, 400): a front proxy, Berth and a service
 * could each pick a different one, and that difference is what an attacker needs.
 */
public record TokenHeader(Kind kind, String secret) {
    /** What the headers amount to. */
    public enum Kind {
        /** No {@code Authorization} header. */
        NONE,
        /** One header in the accepted form; {@link #secret()} is the token. */
        BEARER,
        /** One header with the scheme {@code Bearer} but not a well-formed Berth token after one space. */
        MALFORMED,
        /** One header with another scheme ({@code Basic}, {@code token}, …). */
        OTHER_SCHEME,
        /** More than one {@code Authorization} header. */
        SEVERAL
    }

    private static final String SCHEME = "Bearer ";
    /** {@link Sessions#randomToken()}: 32 random bytes in unpadded base64url. */
    private static final int SECRET_CHARS = 43;

    /** @param values every {@code Authorization} header value of the request, in order */
    public static TokenHeader read(List<String> values) {
        if (values.isEmpty()) {
            return new TokenHeader(Kind.NONE, null);
        }
        if (values.size() > 1) {
            return new TokenHeader(Kind.SEVERAL, null);
        }
        return of(values.get(0));
    }

    /** One header value (null: no header). */
    public static TokenHeader of(String value) {
        if (value == null) {
            return new TokenHeader(Kind.NONE, null);
        }
        if (!value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return new TokenHeader(Kind.OTHER_SCHEME, null);
        }
        String secret = value.substring(SCHEME.length());
        return wellFormed(secret) ? new TokenHeader(Kind.BEARER, secret) : new TokenHeader(Kind.MALFORMED, null);
    }

    /** {@code berth_} and 43 base64url characters, nothing before or after. */
    static boolean wellFormed(String secret) {
        if (secret.length() != Tokens.PREFIX.length() + SECRET_CHARS || !secret.startsWith(Tokens.PREFIX)) {
            return false;
        }
        for (int i = Tokens.PREFIX.length(); i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
