package io.berth.stacks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whoever cares that a stack changed, so no writer has to remember who caches what: the proxy's route table
 * forgets the stack's routes, an open progress stream wakes up. Subscribers are wired once, in {@code App} (and by
 * each progress stream while it is open).
 *
 * <p>Synchronous: {@link #publish} returns after every subscriber has run, on the publisher's thread, so a request
 * that changed a stack sees its own change on the next request. Subscribers must therefore be quick (forget a cache
 * entry; a progress stream reads the store and writes to its client, as it does for {@link StackEvents}). One that
 * throws is logged and does not keep the others from hearing.
 */
public final class StackChanges {
    private static final Logger LOG = LoggerFactory.getLogger(StackChanges.class);

    private final List<Consumer<StackChange>> subscribers = new CopyOnWriteArrayList<>();

    /** Calls {@code subscriber} with every change from now on, until the returned handle is closed. */
    public AutoCloseable subscribe(Consumer<StackChange> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** Hands {@code change} to every subscriber; called after the change is written to the store. */
    public void publish(StackChange change) {
        for (Consumer<StackChange> subscriber : subscribers) {
            try {
                subscriber.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("a subscriber to changes of stack \"{}\" failed: {}", change.ref(), e.toString());
            }
        }
    }
}
