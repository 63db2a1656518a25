package io.berth.config;

/**
 * Slowing and locking repeated failed logins and bad API tokens ({@code auth.throttle:} in berth.yaml). Failures
 * are counted per client address (all accounts), per account at one address, and per account from everywhere;
 * bad API tokens per address, apart.
 * After {@code free_failures} failures a counter makes the next try wait (doubling from {@code base_delay_ms} up to
 * {@code max_delay_seconds}); at its limit it locks for {@code lock_minutes}. A refused try costs no password hash.
 * <p>
 * The trade-off: an account's own lock ({@code account_lock_after}, failures from all addresses) holds only
 * against addresses that have failed for that account themselves. A distributed attacker gets one guess per
 * address while it lasts; the account's owner, from an address that has not failed, still gets in. So nobody can
 * lock an admin out from everywhere, at the price of some guesses from many addresses (which the address counters
 * still slow). Counters live in memory: a restart of Berth clears them; admins see and clear locks at
 * {@code /admin/locks}.
 */
public final class Throttle {
    public static final int DEFAULT_FREE_FAILURES = 3;
    public static final int DEFAULT_BASE_DELAY_MS = 1000;
    public static final int DEFAULT_MAX_DELAY_SECONDS = 30;
    public static final int DEFAULT_LOCK_AFTER = 10;
    public static final int DEFAULT_ADDRESS_LOCK_AFTER = 30;
    public static final int DEFAULT_ACCOUNT_LOCK_AFTER = 50;
    public static final int DEFAULT_LOCK_MINUTES = 15;

    /** Failures a counter allows without any wait. */
    public int freeFailures = DEFAULT_FREE_FAILURES;
    /** Wait after the first failure past {@code free_failures}, in milliseconds; it doubles with each further one. */
    public int baseDelayMs = DEFAULT_BASE_DELAY_MS;
    /** The longest wait between tries, in seconds. */
    public int maxDelaySeconds = DEFAULT_MAX_DELAY_SECONDS;
    /** Failures for one account from one address that lock that account at that address (0: never). */
    public int lockAfter = DEFAULT_LOCK_AFTER;
    /**
     * Failures from one address, all accounts together, that lock the address for password logins; the same
     * number of bad API tokens locks token use from it (higher than {@code lock_after}: many users may share an
     * address behind NAT; 0: never).
     */
    public int addressLockAfter = DEFAULT_ADDRESS_LOCK_AFTER;
    /**
     * Failures for one account from all addresses that lock it — against addresses that have failed for it only,
     * so its owner can still log in from elsewhere (0: never).
     */
    public int accountLockAfter = DEFAULT_ACCOUNT_LOCK_AFTER;
    /** How long a lock lasts, and how long a counter remembers failures, in minutes. */
    public int lockMinutes = DEFAULT_LOCK_MINUTES;
}
