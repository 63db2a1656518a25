package io.berth.web;

import io.berth.model.User;


/** What every page's layout needs: who is looking (null on the login page), their form token, a notice. */
public record Page(User user, String csrf, String notice, int refreshSeconds, boolean scriptUpdates) {
    public static Page anonymous() {
        return new Page(null, "", null, 0, false);
    }

    /** Reloads itself every {@code seconds} while something is in progress. */
    public Page refreshingEvery(int seconds) {
        return new Page(user, csrf, notice, seconds, false);
    }

    /** Updated live by its script; reloads every {@code seconds} only in browsers without scripts. */
    public Page updatedLive(int seconds) {
        return new Page(user, csrf, notice, seconds, true);
    }
}
