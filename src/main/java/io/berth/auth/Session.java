package io.berth.auth;

/**
 * A logged-in browser: who it is and the token its forms must carry (CSRF). {@code host} is null for a portal
 * session; otherwise the session was handed to that one host-routed service and is valid only there.
 */
public record Session(String idHash, User user, String csrfToken, String host) {
    public boolean portal() {
        return host == null;
    }
}
