package io.berth.auth;

/** A person who can log in. {@code passwordHash} is null for accounts that only sign in through SSO. */
public record User(long id, String username, boolean admin, String passwordHash) { }
