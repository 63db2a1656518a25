package io.berth.stacks;

import io.berth.model.StackEvent;
import io.berth.store.EventStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * A stack's history as it happens: every event is stored first (so a page opened later, or after a restart, shows
 * it), then handed to whoever watches that stack right now (the progress stream of an open page).
 */
public final class StackEvents {
    private final EventStore store;
    private final Map<Long, Set<Consumer<StackEvent>>> watchers = new ConcurrentHashMap<>();

    public StackEvents(EventStore store) {
        this.store = store;
    }

    /** Records {@code message} for the stack and tells its watchers. */
    public void add(long stackId, String message) {
        add(stackId, java.time.Instant.now(), message);
    }

    /** Records {@code message} for the stack as having happened at {@code at}, and tells its watchers. */
    public void add(long stackId, java.time.Instant at, String message) {
        StackEvent event = store.add(stackId, at, message);
        Set<Consumer<StackEvent>> current = watchers.get(stackId);
        if (current != null) {
            current.forEach(w -> w.accept(event));
        }
    }

    /** The stack's history, oldest first. */
    public List<StackEvent> of(long stackId) {
        return store.of(stackId);
    }

    /** The stack's events after the one with id {@code afterId}, oldest first (what a live stream has not sent). */
    public List<StackEvent> after(long stackId, long afterId) {
        return store.after(stackId, afterId);
    }

    /** Tells {@code watcher} about every event of the stack from now on, until the returned handle is closed. */
    public AutoCloseable watch(long stackId, Consumer<StackEvent> watcher) {
        watchers.computeIfAbsent(stackId, id -> new CopyOnWriteArraySet<>()).add(watcher);
        return () -> watchers.computeIfPresent(stackId, (id, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }
}
