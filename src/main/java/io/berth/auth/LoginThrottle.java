package io.berth.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.config.Throttle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Slows and locks repeated failures: wrong passwords per client address, per account at one address and per
 * account from everywhere; bad API tokens per address (a counter of their own). The rules and their trade-off are documented where they are
 * configured, {@link Throttle}. Asked before a password is hashed, so a refused try costs no Argon2 run.
 * In memory, bounded; each counter forgets {@code lock_minutes} after its last failure.
 */
public final class LoginThrottle {
    /** A claimed password check; closing it frees the place. */
    public interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    /** Password checks one address may run at once. */
    public static final int PARALLEL = 4;

    /** What a counter counts. */
    public enum Kind { ADDRESS, ACCOUNT, ACCOUNT_AT_ADDRESS, TOKENS_FROM_ADDRESS }

    /** A lock in force: its key (for {@link #unlock}), what it holds, how many failures, until when. */
    public record Lock(String key, Kind kind, String account, String address, int failures, Instant until) { }

    /** Whether a try may go ahead; if not, how many seconds to wait and whether it is a lock (not a back-off). */
    public record Verdict(boolean allowed, long retryAfterSeconds, boolean locked) {
        static final Verdict GO = new Verdict(true, 0, false);
    }

    /** One counter; changed only inside the cache's compute, read under its own lock. */
    private static final class Counter {
        int failures;
        long notBefore;
        long lockedUntil;
    }

    private final Throttle config;
    private final long lockMillis;
    private final Consumer<Lock> onLock;
    private final Cache<String, Counter> counters;
    /** Password checks running now, per address: back-off counts finished tries, so parallel ones are capped here. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> checking =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** @param onLock told of every new lock (for the audit log); called outside any lock */
    public LoginThrottle(Throttle config, Consumer<Lock> onLock) {
        this.config = config;
        this.lockMillis = Duration.ofMinutes(config.lockMinutes).toMillis();
        this.onLock = onLock;
        this.counters = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(Duration.ofMillis(Math.max(1, lockMillis))).build();
    }

    /** Whether a password try for this account from this address may go ahead now. */
    public Verdict check(String account, String address) {
        long now = System.currentTimeMillis();
        Counter pair = counters.getIfPresent(pairKey(account, address));
        long wait = Math.max(waitOf(counters.getIfPresent(addressKey(address)), now), waitOf(pair, now));
        boolean locked = lockedAt(counters.getIfPresent(addressKey(address)), now) || lockedAt(pair, now);
        Counter whole = counters.getIfPresent(accountKey(account));
        if (pair != null && pair.failures > 0 && lockedAt(whole, now)) { // the account's lock holds here only
            locked = true;
            wait = Math.max(wait, whole.lockedUntil - now);
        }
        return wait <= 0 ? Verdict.GO : new Verdict(false, Math.max(1, (wait + 999) / 1000), locked);
    }

    /**
     * Claims a place for one password check from this address; null when it may not run one now. An address with
     * failed logins on record runs at most {@value #PARALLEL} at once: back-off counts finished tries, and a burst
     * of parallel ones would each cost a hash before the next failure is counted. An address without failures is
     * not capped (a class behind one NAT address logs in at once). Close the claim when the check is done.
     */
    public Claim claim(String address) {
        Integer now = checking.merge(address, 1, Integer::sum);
        Counter failures = counters.getIfPresent(addressKey(address));
        if (now > PARALLEL && failures != null) {
            release(address);
            return null;
        }
        return () -> release(address);
    }

    private void release(String address) {
        checking.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Whether an API token from this address may be checked now. */
    public Verdict checkToken(String address) {
        long now = System.currentTimeMillis();
        Counter c = counters.getIfPresent(tokenKey(address));
        long wait = waitOf(c, now);
        return wait <= 0 ? Verdict.GO : new Verdict(false, Math.max(1, (wait + 999) / 1000), lockedAt(c, now));
    }

    /** A wrong password (or unknown account) for this account from this address. */
    public void failedLogin(String account, String address) {
        fail(addressKey(address), config.addressLockAfter, true);
        fail(pairKey(account, address), config.lockAfter, true);
        if (config.accountLockAfter > 0) {
            // no back-off for the account as a whole: that would slow its owner everywhere too
            fail(accountKey(account), config.accountLockAfter, false);
        }
    }

    /**
     * A bad API token from this address. Counted apart from passwords: a script retrying an expired token on a
     * shared login node must not lock its users' browser logins.
     */
    public void failedToken(String address) {
        fail(tokenKey(address), config.addressLockAfter, true);
    }

    /** A right password: this account's failures at this address are forgiven (not the address's, not the account's). */
    public void succeeded(String account, String address) {
        counters.invalidate(pairKey(account, address));
    }

    /** The locks in force, latest first. */
    public List<Lock> locks() {
        long now = System.currentTimeMillis();
        List<Lock> out = new ArrayList<>();
        counters.asMap().forEach((key, c) -> {
            synchronized (c) {
                if (c.lockedUntil > now) {
                    out.add(lock(key, c));
                }
            }
        });
        out.sort(Comparator.comparing(Lock::until).reversed());
        return out;
    }

    /**
     * Ends a lock (or a back-off) and forgets its failures; ending an address's or an account's also ends its
     * counters at account-and-address level. False when there was nothing to forget.
     */
    public boolean unlock(String key) {
        boolean gone = counters.asMap().remove(key) != null;
        if (key.startsWith("address:") || key.startsWith("account:")) {
            String value = key.substring(key.indexOf(':') + 1);
            boolean address = key.startsWith("address:");
            gone |= counters.asMap().keySet().removeIf(k -> k.startsWith("account-at-address:")
                    && (address ? k.endsWith("," + value) : k.startsWith("account-at-address:" + value + ",")));
        }
        return gone;
    }

    private void fail(String key, int lockAfter, boolean backOff) {
        long now = System.currentTimeMillis();
        Lock[] locked = new Lock[1];
        counters.asMap().compute(key, (k, c) -> {
            Counter n = c == null ? new Counter() : c;
            synchronized (n) {
                n.failures++;
                if (backOff && n.failures > config.freeFailures) {
                    int doublings = Math.min(30, n.failures - config.freeFailures - 1);
                    long delay = Math.min((long) config.baseDelayMs << doublings, config.maxDelaySeconds * 1000L);
                    n.notBefore = now + delay;
                }
                if (lockAfter > 0 && n.failures >= lockAfter && n.lockedUntil <= now) {
                    n.lockedUntil = now + lockMillis;
                    locked[0] = lock(k, n);
                }
            }
            return n;
        });
        if (locked[0] != null) {
            onLock.accept(locked[0]);
        }
    }

    private static long waitOf(Counter c, long now) {
        if (c == null) {
            return 0;
        }
        synchronized (c) {
            return Math.max(c.lockedUntil, c.notBefore) - now;
        }
    }

    private static boolean lockedAt(Counter c, long now) {
        if (c == null) {
            return false;
        }
        synchronized (c) {
            return c.lockedUntil > now;
        }
    }

    private static Lock lock(String key, Counter c) {
        String value = key.substring(key.indexOf(':') + 1);
        Instant until = Instant.ofEpochMilli(c.lockedUntil);
        if (key.startsWith("address:")) {
            return new Lock(key, Kind.ADDRESS, null, value, c.failures, until);
        }
        if (key.startsWith("tokens:")) {
            return new Lock(key, Kind.TOKENS_FROM_ADDRESS, null, value, c.failures, until);
        }
        if (key.startsWith("account:")) {
            return new Lock(key, Kind.ACCOUNT, value, null, c.failures, until);
        }
        int comma = value.indexOf(',');
        return new Lock(key, Kind.ACCOUNT_AT_ADDRESS, value.substring(0, comma), value.substring(comma + 1),
                c.failures, until);
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private static String tokenKey(String address) {
        return "tokens:" + address;
    }

    private static String accountKey(String account) {
        return "account:" + normal(account);
    }

    /** A comma never occurs in a user name or an IP address, so this key splits one way only. */
    private static String pairKey(String account, String address) {
        return "account-at-address:" + normal(account) + "," + address;
    }

    private static String normal(String account) {
        String a = account == null ? "" : account.trim().toLowerCase(Locale.ROOT).replace(",", "");
        return a.length() > 64 ? a.substring(0, 64) : a;
    }
}
