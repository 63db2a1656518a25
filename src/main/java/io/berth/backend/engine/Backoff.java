package io.berth.backend.engine;

/**
 * The waits between the probes of one starting service: {@value #FIRST_MILLIS} ms, doubling up to
 * {@value #MAX_MILLIS} ms. A service that is up in a blink is seen at once; one that takes seconds (a notebook, a
 * database replaying its journal) is asked about once a second instead of twenty times, which is what the host's cores
 * are busy starting it with. Not shared: each start has its own.
 */
public final class Backoff {
    static final long FIRST_MILLIS = 50;
    static final long MAX_MILLIS = 1000;

    private long next = FIRST_MILLIS;

    /** The wait before the next probe, in milliseconds; each call doubles the one after, up to the cap. */
    public long nextMillis() {
        long now = next;
        next = Math.min(MAX_MILLIS, next * 2);
        return now;
    }
}
