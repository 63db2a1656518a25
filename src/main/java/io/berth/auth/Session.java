package io.berth.auth;

import io.berth.model.User;

/**
 * A logged-in browser: who it is and the token its forms must carry (CSRF). {@code host} is null for a portal
 * session; otherwise the session was handed to that one host-routed service and is valid only there.
 */
public record Session(String idHash, User user, String csrfToken, String host) {
    /**
     * Request attribute holding the caller's Session: set from the cookie for pages, and from the API token (as
     * {@link #ofToken}) for {@code /api/…}, so handlers shared by both see one caller.
     */
    public static final String ATTRIBUTE = "berth.session";

    /** The caller of one API request, authenticated by the token {@code tokenId}: no cookie, no form token. */
    public static Session ofToken(User user, long tokenId) {
        return new Session("token:" + tokenId, user, "", null);
    }

    public boolean portal() {
        return host == null;
    }
}
