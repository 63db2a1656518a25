package io.berth.web;

import io.berth.auth.User;

/** What every page's layout needs: who is looking (null on the login page), their form token, a notice. */
public record Page(User user, String csrf, String notice, int refreshSeconds) {
    public static Page anonymous() {
        return new Page(null, "", null, 0);
    }

    public Page refreshingEvery(int seconds) {
        return new Page(user, csrf, notice, seconds);
    }
}
