package io.berth.stacks;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts of stacks, admitted first come, first served, at most {@code parallelism} at a time. Under a burst the
 * engine and the host's cores go to the launches that came first, so the first user is served first instead of every
 * user waiting until nearly the end; the last one waits no longer than when all starts shared the cores at once.
 * Starts run on threads of their own, so stops and deletes (on the lifecycle pool) never wait behind a queue of
 * starts. Nothing here is persisted: a queued start is a PENDING stack in the store, which the reconciler queues again
 * after a restart.
 */
public final class StartQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StartQueue.class);

    private record Entry(long stackId, Runnable job) {
    }

    private final int parallelism;
    private final ExecutorService workers;
    /** Guarded by {@code this}: starts admitted but not yet running, oldest first. */
    private final Deque<Entry> waiting = new ArrayDeque<>();
    /** Guarded by {@code this}. */
    private int running;
    private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();

    /** {@code parallelism} starts run at once (at least 1); their threads come from {@code threads}. */
    public StartQueue(int parallelism, ThreadFactory threads) {
        this.parallelism = Math.max(1, parallelism);
        this.workers = Executors.newFixedThreadPool(this.parallelism, threads);
    }

    public int parallelism() {
        return parallelism;
    }

    /** Queues {@code job}, the start of stack {@code stackId}; it runs once the starts before it have begun. */
    public void submit(long stackId, Runnable job) {
        synchronized (this) {
            waiting.addLast(new Entry(stackId, job));
            dispatch();
        }
        moved();
    }

    /**
     * Takes a start that has not begun out of the queue (its stack was stopped or deleted while it waited); returns
     * whether there was one. A start already running is left to notice the new state itself.
     */
    public boolean withdraw(long stackId) {
        boolean removed;
        synchronized (this) {
            removed = waiting.removeIf(e -> e.stackId() == stackId);
        }
        if (removed) {
            moved();
        }
        return removed;
    }

    /**
     * How many queued starts are ahead of the stack's, when its start waits for a free slot (0: it is next); empty
     * when it is not waiting (running, done, or never queued).
     */
    public synchronized OptionalInt ahead(long stackId) {
        int position = 0;
        for (Iterator<Entry> it = waiting.iterator(); it.hasNext(); position++) {
            if (it.next().stackId() == stackId) {
                return OptionalInt.of(position);
            }
        }
        return OptionalInt.empty();
    }

    /** A waiting start's place for people: "3 launches ahead of yours", "1 launch ahead of yours", "next in line". */
    public static String describe(int ahead) {
        return ahead <= 0 ? "next in line" : ahead + (ahead == 1 ? " launch" : " launches") + " ahead of yours";
    }

    /** Calls {@code listener} after every change of the queue (a start queued, begun or withdrawn) until closed. */
    public AutoCloseable onMove(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Stops the running starts (interrupting them) and drops the waiting ones; their stacks stay PENDING. */
    @Override
    public void close() {
        synchronized (this) {
            waiting.clear();
        }
        workers.shutdownNow();
    }

    /** The pool, so its owner can wait for the running starts to end after {@link #close()}. */
    public ExecutorService workers() {
        return workers;
    }

    private void dispatch() {
        while (running < parallelism && !waiting.isEmpty()) {
            Entry next = waiting.pollFirst();
            running++;
            try {
                workers.execute(() -> run(next));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                running--; // shutting down: the stack stays PENDING for the next Berth
                LOG.debug("start of stack {} not run: shutting down", next.stackId());
            }
        }
    }

    private void run(Entry entry) {
        moved(); // it left the queue: every position behind it moved up
        try {
            entry.job().run();
        } finally {
            synchronized (this) {
                running--;
                dispatch();
            }
        }
    }

    private void moved() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("a start queue listener failed: {}", e.toString(), e);
            }
        }
    }
}
