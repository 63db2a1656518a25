package io.berth.proxy;

import io.berth.model.Route;
import io.berth.store.StackStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When traffic last passed to each route — HTTP requests and WebSocket bytes — kept in memory on the hot path (one
 * map lookup and a field write) and written to the store in batches by {@link #flush()}, for idle culling.
 */
public final class Activity {
    private static final class Seen {
        volatile long lastMillis;
        long flushedMillis;
    }

    private final StackStore store;
    private final Map<Map.Entry<Long, String>, Seen> routes = new ConcurrentHashMap<>();

    public Activity(StackStore store) {
        this.store = store;
    }

    /** Notes traffic on a route now. */
    public void record(Route route) {
        routes.computeIfAbsent(Map.entry(route.stackId(), route.service()), k -> new Seen()).lastMillis =
                System.currentTimeMillis();
    }

    /** The latest traffic to any route of a stack that this Berth saw (written to the store or not yet). */
    public java.util.Optional<Instant> lastSeen(long stackId) {
        long last = 0;
        for (var entry : routes.entrySet()) {
            if (entry.getKey().getKey() == stackId) {
                last = Math.max(last, entry.getValue().lastMillis);
            }
        }
        return last == 0 ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(last));
    }

    /** {@link #lastSeen} of every stack this Berth saw traffic to, by stack id. */
    public Map<Long, Instant> lastSeenByStack() {
        Map<Long, Instant> out = new HashMap<>();
        routes.forEach((route, seen) -> {
            long last = seen.lastMillis;
            if (last > 0) {
                out.merge(route.getKey(), Instant.ofEpochMilli(last), (a, b) -> a.isAfter(b) ? a : b);
            }
        });
        return out;
    }

    /** Writes what changed since the last flush; returns how many routes it wrote. */
    public synchronized int flush() {
        Map<Map.Entry<Long, String>, Instant> changed = new HashMap<>();
        Map<Seen, Long> taken = new HashMap<>();
        routes.forEach((key, seen) -> {
            long last = seen.lastMillis;
            if (last > seen.flushedMillis) {
                changed.put(key, Instant.ofEpochMilli(last));
                taken.put(seen, last);
            }
        });
        store.recordActivity(changed);
        taken.forEach((seen, last) -> seen.flushedMillis = last);
        long dayAgo = System.currentTimeMillis() - 86_400_000L; // stored already; forgotten so deleted stacks go
        routes.values().removeIf(seen -> seen.lastMillis < dayAgo && seen.flushedMillis == seen.lastMillis);
        return changed.size();
    }
}
