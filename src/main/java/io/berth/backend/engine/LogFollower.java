package io.berth.backend.engine;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import io.berth.backend.Backend.LogSink;
import io.berth.backend.Backend.LogStream;
import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code logs} stream of one container or Swarm service: docker-java's callback for the engine's log response,
 * and the handle the caller closes. The response is read on docker-java's own thread (one per stream, for as long as
 * the stream lasts), never on the bounded {@link DockerCalls} pool, and each frame goes through {@link LogLines}
 * straight to the sink: Berth holds at most a line per output stream, whatever the pace of the service or of the sink.
 *
 * <p>Every sink call happens under one lock, so calls never overlap, nothing follows {@code end}, and {@link #close()}
 * returns only once a line being delivered is done. {@code end} is called exactly once: by whichever of the
 * response's end, its failure and {@link #close()} comes first.
 */
final class LogFollower implements ResultCallback<Frame>, LogStream {
    private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);

    private final String service;
    private final LogSink sink;
    private final LogLines lines;
    private final Consumer<LogFollower> onEnd;
    private final Object lock = new Object();
    /** Set first thing by {@link #close()}, so the reading thread stops delivering before the lock is free. */
    private volatile boolean closed;
    /** Guarded by {@link #lock}. */
    private boolean ended;
    /** The engine's response, once it started; guarded by {@link #lock}. */
    private Closeable response;

    /** {@code onEnd} runs once, right after the sink's end. */
    LogFollower(String service, LogSink sink, Consumer<LogFollower> onEnd) {
        this.service = service;
        this.sink = sink;
        this.onEnd = onEnd;
        this.lines = new LogLines(this::deliver);
    }

    /** A stream that has already ended, for a service without a container: closing it does nothing. */
    static LogStream ended() {
        return () -> { };
    }

    @Override
    public void onStart(Closeable stream) {
        synchronized (lock) {
            response = stream;
        }
        if (closed) {
            closeQuietly(stream); // closed before the engine answered
        }
    }

    @Override
    public void onNext(Frame frame) {
        synchronized (lock) {
            if (closed || ended) {
                return;
            }
            try {
                lines.accept(frame);
            } catch (RuntimeException e) {
                LOG.warn("logs of \"{}\": the reader of the stream failed; stopping it", service, e);
                finish("Reading the logs of \"" + service + "\" failed: " + Causes.shortCause(e));
                closeResponse();
            }
        }
    }

    @Override
    public void onError(Throwable error) {
        synchronized (lock) {
            if (closed || ended) {
                return; // closing the response makes the read fail; that is the end already delivered
            }
            String reason;
            if (error instanceof NotFoundException) {
                reason = "Service \"" + service + "\" has no container any more.";
            } else {
                LOG.debug("logs of \"{}\" broke off", service, error);
                reason = "The log stream of \"" + service + "\" broke off: " + Causes.shortCause(error);
            }
            finish(reason);
        }
        closeResponse();
    }

    @Override
    public void onComplete() {
        synchronized (lock) {
            if (closed || ended) {
                return;
            }
            lines.flush();
            finish(null);
        }
        closeResponse();
    }

    /** Stops the stream; the sink gets {@code end(null)} unless it already had its end. Idempotent. */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            finish(null);
        }
        closeResponse();
    }

    /** Called by {@link LogLines} on the reading thread, with the lock held. */
    private void deliver(String line) {
        if (!closed && !ended) {
            sink.line(line);
        }
    }

    /** With the lock held. */
    private void finish(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            sink.end(reason);
        } catch (RuntimeException e) {
            LOG.warn("logs of \"{}\": the sink failed at the end of the stream", service, e);
        } finally {
            onEnd.accept(this);
        }
    }

    private void closeResponse() {
        Closeable stream;
        synchronized (lock) {
            stream = response;
        }
        if (stream != null) {
            closeQuietly(stream);
        }
    }

    private void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("logs of \"{}\": closing the response failed: {}", service, e.toString());
        }
    }
}
