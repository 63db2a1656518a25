package io.berth.auth.oidc;

import java.util.List;

/**
 * Who the identity provider says signed in, after every check passed.
 *
 * @param subject  the provider's stable id for the person: {@code <issuer> <sub>}
 * @param username the value of the username claim, as sent (checked and lower-cased by {@link SsoAccounts})
 * @param groups   the groups claim, as sent
 * @param idToken  the raw id_token, kept only to end the provider's session at logout
 */
public record SsoIdentity(String subject, String username, List<String> groups, Integer uid, Integer gid,
                          String idToken) { }
