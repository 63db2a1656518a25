package io.berth.auth;

/** A logged-in browser: who it is and the token its forms must carry (CSRF). */
public record Session(String idHash, User user, String csrfToken) { }
