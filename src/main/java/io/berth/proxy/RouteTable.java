package io.berth.proxy;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.berth.model.Route;
import io.berth.store.StackStore;
import java.time.Duration;
import java.util.Optional;

/**
 * (owner, stack, service) → {@link Route}. The store is the source of truth; lookups are cached because every
 * proxied request needs one. {@code App} subscribes {@link #invalidate} to {@code stacks.StackChanges}, which the
 * lifecycle and the reconciler publish to after every state or address change, so no writer has to remember it.
 */
public final class RouteTable {
    /** Upper bound on staleness should an invalidation ever be missed (e.g. another replica changed the store). */
    private static final Duration REFRESH = Duration.ofSeconds(30);

    private record Key(String owner, String stack, String service) { }

    private final LoadingCache<Key, Optional<Route>> cache;

    public RouteTable(StackStore stacks) {
        cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(REFRESH)
                .build(k -> stacks.route(k.owner(), k.stack(), k.service()));
    }

    public Optional<Route> find(String owner, String stack, String service) {
        return cache.get(new Key(owner, stack, service));
    }

    /** Forgets every cached route of a stack (called for each published change of it). */
    public void invalidate(String owner, String stack) {
        cache.asMap().keySet().removeIf(k -> k.owner().equals(owner) && k.stack().equals(stack));
    }
}
