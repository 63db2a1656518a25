package io.berth.backend.engine;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Event;
import io.berth.backend.Labels;
import io.berth.backend.OomKill;
import io.berth.model.StackRef;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Out-of-memory kills of this Berth's containers, from the engine's event stream: the kernel's OOM killer makes the
 * engine send {@code oom} for the container (on cgroup v1 dozens per kill, one per process the kernel looked at), and
 * its end makes {@code die}. A {@code die} after at least one {@code oom} since the container's last end is one kill.
 *
 * <p>Why events and not {@code State.OOMKilled} on inspect: Docker's restart policy starts the same container again
 * about 100 ms after it died, long before a reconcile pass could look, and engines differ in whether they clear the
 * flag at that restart; a pass that did catch the flag could not tell one kill from the next either. The events carry
 * every kill, in order, each with the engine's own time, and cost nothing while nothing happens. The container is
 * inspected once per kill, for its memory limit (it is still there: restarted, or stopped until Berth removes it).
 *
 * <p>The stream is one long request on a client of its own (as log streams are, so it never holds a connection
 * every other call needs). The client's 30 s read timeout ends it on a quiet engine; it is then asked again from the
 * time of the last event seen, so nothing is lost in between (the engine replays what it still holds: its last
 * 256 events) and nothing is told twice. A lost engine is asked again after a few seconds.
 */
public final class OomWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OomWatch.class);
    private static final Duration RETRY = Duration.ofSeconds(3);
    private static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(10);

    private final DockerCalls docker;
    private final DockerCalls streams;
    private final Map<String, String> instanceFilter;
    private final Consumer<OomKill> listener;
    /** Reconnects, and the listener's calls, one at a time and never on docker-java's reading thread. */
    private final ScheduledExecutorService worker;
    /** Containers with an {@code oom} since their last {@code die}; touched on the worker only. */
    private final Set<String> underOom = new HashSet<>();
    /** The engine's time of the newest event handled (nanoseconds since the epoch); on the worker only. */
    private long lastNanos;
    private volatile Closeable stream;
    private volatile boolean closed;

    private OomWatch(DockerCalls docker, String host, Map<String, String> instanceFilter, Instant since,
                     Consumer<OomKill> listener) {
        this.docker = docker;
        this.streams = new DockerCalls(host);
        this.instanceFilter = instanceFilter;
        this.listener = listener;
        this.lastNanos = since.getEpochSecond() * 1_000_000_000L + since.getNano();
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "berth-oom-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Watches the engine at {@code host} for kills of containers carrying {@code instanceFilter}'s labels from
     * {@code since} on; {@code docker} inspects the killed ones.
     */
    public static OomWatch start(DockerCalls docker, String host, Map<String, String> instanceFilter, Instant since,
                                 Consumer<OomKill> listener) {
        OomWatch watch = new OomWatch(docker, host, instanceFilter, since, listener);
        watch.worker.execute(watch::open);
        return watch;
    }

    /** Asks the engine for events since the last one handled; runs on the worker. */
    private void open() {
        if (closed) {
            return;
        }
        String since = (lastNanos / 1_000_000_000L) + "." + String.format("%09d", lastNanos % 1_000_000_000L);
        // a stream may end twice (an error, then its close); only its first end asks again
        AtomicBoolean ended = new AtomicBoolean();
        long opened = System.nanoTime();
        try {
            stream = streams.call("watch events", c -> c.eventsCmd().withSince(since)
                    .withLabelFilter(instanceFilter).withEventFilter("oom", "die")
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event event) {
                            worker.execute(() -> handle(event));
                        }

                        @Override
                        public void onError(Throwable error) {
                            if (ended.compareAndSet(false, true)) {
                                again(error, opened);
                            }
                        }

                        @Override
                        public void onComplete() {
                            if (ended.compareAndSet(false, true)) {
                                again(null, opened);
                            }
                        }
                    }));
        } catch (RuntimeException e) {
            if (ended.compareAndSet(false, true)) {
                again(e, opened);
            }
        }
    }

    /**
     * The stream ended: a quiet engine's read timeout asks again at once, an engine that failed (or a stream that
     * ended as soon as it began) in a while.
     */
    private void again(Throwable error, long opened) {
        if (closed) {
            return;
        }
        boolean quiet = (error == null || error instanceof java.net.SocketTimeoutException
                || error.getCause() instanceof java.net.SocketTimeoutException)
                && System.nanoTime() - opened > RETRY.toNanos();
        if (!quiet) {
            LOG.debug("engine events ended ({}); asking again in {} s",
                    error == null ? "at once" : Causes.shortCause(error), RETRY.toSeconds());
        }
        try {
            worker.schedule(this::open, quiet ? 0 : RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void handle(Event event) {
        long nanos = event.getTimeNano() != null ? event.getTimeNano()
                : event.getTime() == null ? 0 : event.getTime() * 1_000_000_000L;
        if (nanos <= lastNanos) {
            return; // replayed after a reconnect: handled already
        }
        lastNanos = nanos;
        String id = event.getActor() != null && event.getActor().getId() != null ? event.getActor().getId()
                : event.getId();
        String action = event.getAction() != null ? event.getAction() : event.getStatus();
        if ("oom".equals(action)) {
            underOom.add(id);
        } else if ("die".equals(action) && underOom.remove(id)) {
            Map<String, String> labels = event.getActor() == null ? Map.of() : event.getActor().getAttributes();
            String owner = labels.get(Labels.USER);
            String stack = labels.get(Labels.STACK);
            String service = labels.get(Labels.SERVICE);
            if (owner != null && stack != null && service != null) {
                tell(new OomKill(new StackRef(owner, stack), service, id, Instant.ofEpochSecond(0, nanos),
                        memoryLimit(id)));
            }
        }
    }

    private void tell(OomKill kill) {
        try {
            listener.accept(kill);
        } catch (RuntimeException e) {
            LOG.warn("out-of-memory kill of \"{}\" in stack \"{}\" of \"{}\" not recorded: {}", kill.service(),
                    kill.stack().stack(), kill.stack().owner(), e.toString(), e);
        }
    }

    /** The container's memory limit in bytes; 0 when it has none or is gone already. */
    private long memoryLimit(String id) {
        try {
            InspectContainerResponse info = docker.call("inspect container " + id, INSPECT_TIMEOUT,
                    c -> c.inspectContainerCmd(id).exec());
            Long memory = info.getHostConfig() == null ? null : info.getHostConfig().getMemory();
            return memory == null ? 0 : memory;
        } catch (RuntimeException e) {
            LOG.debug("container {} not inspected after its out-of-memory kill: {}", id, Causes.shortCause(e));
            return 0;
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        Closeable open = stream;
        if (open != null) {
            try {
                open.close();
            } catch (java.io.IOException | RuntimeException e) {
                // closing anyway
            }
        }
        streams.close();
    }
}
