package io.berth.auth;

import java.util.List;

/**
 * Who the identity provider says signed in, after every check passed: made by {@code auth.oidc}, turned into an
 * account by {@link SsoAccounts}.
 *
 * @param subject  the provider's stable id for the person: {@code <issuer> <sub>}
 * @param username the value of the username claim, as sent (folded and escaped by {@code SsoAccounts})
 * @param groups   the groups claim, as sent
 * @param idToken  the raw id_token, kept only to end the provider's session at logout
 * @param refreshToken the refresh token of the same exchange (null when the provider gave none), kept to re-check
 *                 the user during the session
 * @param email    the e-mail address, only when the provider says it verified it (null otherwise)
 */
public record SsoIdentity(String subject, String username, List<String> groups, Integer uid, Integer gid,
                          String idToken, String refreshToken, String email) { }
