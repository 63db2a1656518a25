package io.berth.backend.engine;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The last answer of a backend's {@code unavailable()} check, kept for a few seconds: pages ask on every request, and
 * one ping of the engine per few seconds is plenty.
 */
public final class HealthCache {
    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(3);

    private record Answer(Optional<String> problem, long checkedAt) { }

    private volatile Answer last;

    /** The cached answer, or {@code check}'s when the cached one is older than a few seconds (or forgotten). */
    public Optional<String> get(Supplier<Optional<String>> check) {
        Answer answer = last;
        if (answer != null && System.nanoTime() - answer.checkedAt() < TTL_NANOS) {
            return answer.problem();
        }
        Optional<String> problem = check.get();
        last = new Answer(problem, System.nanoTime());
        return problem;
    }

    /** Drops the cached answer: the engine may have gone away, so the next call asks again. */
    public void forget() {
        last = null;
    }
}
