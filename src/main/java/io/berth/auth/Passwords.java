package io.berth.auth;

import com.password4j.Password;

/** Password hashing with Argon2id (password4j); verifies in constant time, also for unknown users. */
public final class Passwords {
    /** Minimum length of a password set through Berth. */
    public static final int MIN_LENGTH = 8;
    private static final String DUMMY_HASH = hash("not-a-password-of-anyone");

    private Passwords() { }

    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).withArgon2().getResult();
    }

    /** Whether {@code password} matches {@code hash}; a null hash (no password set) never matches but costs the same. */
    public static boolean verify(String password, String hash) {
        if (hash == null) {
            Password.check(password, DUMMY_HASH).withArgon2();
            return false;
        }
        return Password.check(password, hash).withArgon2();
    }
}
