package io.berth.stacks;

import java.security.SecureRandom;

/** Secrets generated for a stack at launch, and the numeric ids Berth gives users inside containers. */
final class Secrets {
    /** 24 characters of [A-Za-z0-9]: about 143 bits, and safe inside URLs and connection strings unescaped. */
    static final int LENGTH = 24;
    /** Numeric user ids Berth hands out start here, above the ranges of system and typical site accounts. */
    static final long FIRST_UID = 100_000;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() { }

    static String generate() {
        StringBuilder out = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    /** The uid of a Berth user in containers ({@code ${user.uid}}) until SSO supplies the facility's own. */
    static long uidOf(long userId) {
        return FIRST_UID + userId;
    }
}
