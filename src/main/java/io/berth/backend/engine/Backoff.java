package io.berth.backend.engine;

/**
 * The waits between the probes of one starting service: {@value #FIRST_MILLIS} ms, doubling up to
 * {@value #MAX_MILLIS} ms. A service that is up in a blink is seen at once; one that takes seconds (a notebook, a
 * database replaying its journal) is asked about once a second instead of twenty times, which is what the host's cores
 * are busy starting it with. After a refused connection the wait is capped at {@value #CHEAP_MAX_MILLIS} ms: such an
 * attempt costs a SYN and a RST on the host's bridge (no engine call, no HTTP exchange), while each wait there is
 * time the user waits after the server is up (measured: the 1 s cap alone added ~0.45 s to a 1 s service). Not
 * shared: each start has its own.
 */
public final class Backoff {
    static final long FIRST_MILLIS = 50;
    static final long MAX_MILLIS = 1000;
    static final long CHEAP_MAX_MILLIS = 200;

    private long next = FIRST_MILLIS;

    /** The wait before the next probe, in milliseconds; each call doubles the one after, up to the cap. */
    public long nextMillis() {
        long now = next;
        next = Math.min(MAX_MILLIS, next * 2);
        return now;
    }

    /** The same, capped at {@value #CHEAP_MAX_MILLIS} ms when the last attempt was {@code cheap} (refused). */
    public long nextMillis(boolean cheap) {
        long now = nextMillis();
        return cheap ? Math.min(CHEAP_MAX_MILLIS, now) : now;
    }
}
