package io.berth.stacks;

import io.berth.model.StackEvent;
import io.berth.store.StackStore;
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
    private final StackStore store;
    private final Map<Long, Set<Consumer<StackEvent>>> watchers = new ConcurrentHashMap<>();

    public StackEvents(StackStore store) {
        this.store = store;
    }

    /** Records {@code message} for the stack and tells its watchers. */
    public void add(long stackId, String message) {
        StackEvent event = store.addEvent(stackId, message);
        Set<Consumer<StackEvent>> current = watchers.get(stackId);
        if (current != null) {
            current.forEach(w -> w.accept(event));
        }
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
