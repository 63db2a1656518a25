package io.berth.backend.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.berth.backend.Backend;
import io.berth.backend.Backend.LogSink;
import io.berth.backend.Backend.LogStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the backends' {@code logs} streams (a container's log, a Swarm service's): each is read by a
 * {@link LogFollower} on docker-java's own thread, through a client of its own: a follow can last hours, and holds an
 * HTTP connection all that time, so streams must take neither a thread of the shared pool nor one of the connections
 * every other call needs (sixteen open log pages would otherwise stall every start, stop and listing). At most
 * {@link #MAX_STREAMS} are open at once; one more ends at once with a reason.
 */
public final class LogStreams implements AutoCloseable {
    /** One connection each, so no more than the streams client's pool holds ({@link DockerCalls}: THREADS * 2). */
    public static final int MAX_STREAMS = DockerCalls.THREADS * 2;

    private static final Logger LOG = LoggerFactory.getLogger(LogStreams.class);

    private final DockerCalls streams;
    private final Semaphore slots = new Semaphore(MAX_STREAMS);
    private final Set<LogFollower> open = ConcurrentHashMap.newKeySet();

    /** Streams are read through a client of their own, to the engine at {@code host}. */
    public LogStreams(String host) {
        this.streams = new DockerCalls(host);
    }

    /**
     * Streams one log to {@code sink} (see {@link Backend#logs}): {@code start} runs the engine's
     * log command with the given callback and returns at once; the response is then read on docker-java's own
     * thread, through this class's own client. Refused, with a reason to the sink, when {@link #MAX_STREAMS} are open.
     */
    public LogStream follow(String service, String what, LogSink sink,
                            BiFunction<DockerClient, ResultCallback<Frame>, ?> start) {
        if (!slots.tryAcquire()) {
            LOG.warn("refused a log stream of \"{}\": {} are open", service, MAX_STREAMS);
            sink.end("Too many log streams are open on this Berth (" + MAX_STREAMS + "); close one and try again.");
            return LogFollower.ended();
        }
        LogFollower follower = new LogFollower(service, sink, this::ended);
        open.add(follower);
        try {
            // exec returns at once: the response is read on docker-java's own thread, the pool is not held.
            streams.call(what, c -> start.apply(c, follower));
        } catch (RuntimeException e) {
            follower.onError(e);
        }
        return follower;
    }

    private void ended(LogFollower follower) {
        open.remove(follower);
        slots.release();
    }

    /** Closes every open stream (each sink gets its end) and the streams client. */
    @Override
    public void close() {
        open.forEach(LogFollower::close);
        streams.close();
    }
}
