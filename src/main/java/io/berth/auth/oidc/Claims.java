package io.berth.auth.oidc;

import io.berth.auth.SsoIdentity;
import io.berth.config.Oidc;
import io.berth.model.BerthException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.pac4j.oidc.profile.OidcProfile;

/** Reads the configured claims of a checked sign-in into an {@link SsoIdentity}. */
final class Claims {
    private Claims() { }

    static SsoIdentity identity(Oidc config, OidcProfile profile) {
        Object claimed = profile.getAttribute(config.usernameClaim);
        String username = claimed instanceof Number n ? String.valueOf(n) : claimed instanceof String s ? s : null;
        if (username == null || username.isBlank()) {
            throw new BerthException(403, "sso_refused", "The sign-in service sent no \"" + config.usernameClaim
                    + "\" claim, which Berth uses as your user name. Ask your facility's support to check the"
                    + " client's claim mappers (or auth.oidc.username_claim).", null);
        }
        return new SsoIdentity(subject(config, profile.getId()), username,
                groups(profile.getAttribute(config.groupsClaim)), number(profile, config.uidClaim),
                number(profile, config.gidClaim), profile.getIdTokenString(),
                profile.getRefreshToken() == null ? null : profile.getRefreshToken().getValue(), email(profile));
    }

    /**
     * The {@code email} claim when {@code email_verified} is true and it looks like an address (one line, an
     * {@code @}, at most 254 characters); otherwise null. An unverified address could be anyone's: services told
     * who is calling must not get it.
     */
    static String email(OidcProfile profile) {
        Object verified = profile.getAttribute("email_verified");
        Object email = profile.getAttribute("email");
        if (!(Boolean.TRUE.equals(verified) || "true".equals(verified)) || !(email instanceof String address)) {
            return null;
        }
        boolean plain = address.length() <= 254 && address.indexOf('@') > 0
                && address.chars().noneMatch(c -> c < 0x21 || c == 0x7f || c == ',' || c == '<' || c == '>');
        return plain ? address : null;
    }

    /** How Berth keys a person of the provider: {@code <issuer> <sub>}. */
    static String subject(Oidc config, String sub) {
        return config.issuer.replaceAll("/+$", "") + " " + sub;
    }

    /** The groups claim as a list of strings: a list, or a single name. */
    static List<String> groups(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> out.add(String.valueOf(v)));
        } else if (claim instanceof String one && !one.isBlank()) {
            out.add(one);
        }
        return out;
    }

    private static Integer number(OidcProfile profile, String claim) {
        if (claim.isEmpty()) {
            return null;
        }
        Object value = profile.getAttribute(claim);
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value == null ? null : Integer.valueOf(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new BerthException(403, "sso_refused", "The claim \"" + claim + "\" should hold a number but holds \""
                    + value + "\". Ask your facility's support to check it.", null);
        }
    }
}
