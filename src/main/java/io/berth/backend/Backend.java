package io.berth.backend;

import io.berth.model.StackRef;
import java.util.List;
import java.util.Optional;

/**
 * Runs stacks: the seam between Berth and a container engine, modelled on JupyterHub's Spawner. Implementations own
 * every object they create, name it predictably ({@link ObjectNames}) and label it so that {@link #list()} finds it
 * again after a restart; they never touch objects without their labels. All methods may block; callers run them off
 * request threads.
 */
public interface Backend extends AutoCloseable {

    /**
     * Empty when the engine answers; otherwise a sentence a user can act on, naming the endpoint tried
     * ("No Docker engine answers at unix:///var/run/docker.sock: …").
     */
    Optional<String> unavailable();

    /** Whether the image is present on the engine, so a launch can start without a registry. */
    boolean imagePresent(String image);

    /**
     * Creates (or re-attaches to, when they already exist) the stack's network and containers, starts them, and
     * returns once every service passes its health check (in order), with the address the proxy reaches each one
     * at and its published ports.
     *
     * @throws BackendException with a reason a user can act on (missing image, a container that exited with its
     *                          last log lines, a timeout). Whatever was created is removed before it is thrown.
     */
    List<Endpoint> start(StackSpec spec, Progress progress) throws BackendException;

    /**
     * Stops the stack's services gracefully and removes their containers; keeps its network. Each service gets its
     * image's stop signal (SIGTERM unless the image says otherwise) and up to its stop grace
     * ({@link StackSpec.ServiceSpec#stopGraceSeconds}) to shut down before the engine kills it; a service gets its
     * signal once the services that depend on it are down. Returns when the containers are gone (a backend whose
     * engine stops them after the call, like Swarm's, may return before). Services still shutting down after a
     * second or so are named on {@code progress}. Stopping what is already gone succeeds.
     */
    void stop(StackRef stack, Progress progress);

    /** {@link #stop(StackRef, Progress)} without progress messages. */
    default void stop(StackRef stack) {
        stop(stack, Progress.NONE);
    }

    /**
     * Stops the stack as {@link #stop} does, then removes its network and, unless {@code keepData}, its
     * stack-scoped volumes (owner-scoped volumes are never removed with a stack). Removing what is already gone
     * succeeds.
     */
    void remove(StackRef stack, boolean keepData);

    /**
     * Runs {@code command} inside the running container of a stack's service (as the container's user) and waits up
     * to {@code timeout} for it; the output is kept as {@link ExecResult} says. A command still running at the
     * timeout is left to finish in the container (engines cannot stop a single exec), so commands must be
     * idempotent and quick.
     *
     * @throws BackendException when the service has no running container, or this backend cannot run commands
     */
    default ExecResult exec(StackRef stack, String service, List<String> command, java.time.Duration timeout)
            throws BackendException {
        throw new BackendException("This backend cannot run commands inside services (backend: docker can).");
    }

    /**
     * Volume archives, held services and streamed commands for backups of stacks' data. Optional: the default, for
     * backends that cannot, is none (backups are then refused with a reason).
     */
    default java.util.Optional<StackData> data() {
        return java.util.Optional.empty();
    }

    /**
     * The running service containers whose usage this backend can read ({@link #usage}). Optional: the default,
     * for backends that cannot, is none. The Swarm backend answers for the containers on its own node (the manager
     * it talks to) only: an engine reports the counters of its own containers.
     */
    default List<UsageTarget> usageTargets() {
        return List.of();
    }

    /**
     * One reading of a container's counters (CPU, memory, network, block I/O), without streaming. Waits up to
     * {@code timeout} for the engine; a call that hangs (a stalled engine) ends with an exception then, so callers
     * may read many containers on a bounded pool without one blocking the others.
     *
     * @throws BackendException when the container is gone, the engine failed or did not answer in time (then its
     *                          cause is a {@link java.util.concurrent.TimeoutException}), or this backend cannot
     *                          read usage
     */
    default ServiceUsage usage(UsageTarget target, java.time.Duration timeout) throws BackendException {
        throw new BackendException("This backend cannot read what services use (backend: docker can).");
    }

    /**
     * The size of every named volume Berth made on this engine, in one call (the engine walks the volumes' files,
     * so callers ask rarely). Optional: the default is none.
     */
    default List<VolumeUsage> volumeUsage() {
        return List.of();
    }

    /**
     * The cores and memory of the host whose services {@link #usage} reads, for the admins' totals; asked whenever
     * an admin opens All stacks, so an answer may be remembered. Optional: the default is unknown.
     */
    default Optional<HostCapacity> capacity() {
        return Optional.empty();
    }

    /**
     * Tells {@code listener} of every service container of this Berth that the kernel's out-of-memory killer ends,
     * once per end, whether the engine then restarts it, replaces it or leaves it stopped, from {@code since} (as far
     * back as the engine still remembers: kills while Berth was down) until the returned handle is closed. Calls come
     * one at a time on a thread of the backend's; a kill may be told again after the backend lost and regained the
     * engine (same container and time), so listeners drop what they already have. Optional: the default tells
     * nothing, for backends that cannot.
     */
    default AutoCloseable watchOomKills(java.time.Instant since, java.util.function.Consumer<OomKill> listener) {
        return () -> { };
    }

    /** Every service container this backend owns, running or not: what the reconciler compares with the store. */
    List<ServiceStatus> list();

    /**
     * Streams the last {@code tail} lines of a service's stdout and stderr (in time order; {@code tail < 0}: the
     * whole log) to {@code sink}, then, when {@code follow}, every new line until the returned handle is closed or
     * the container stops. Lines longer than {@link #MAX_LINE} bytes (UTF-8) are cut to that length and end in
     * {@code " [… cut]"}; the rest of such a line is skipped up to its newline. A last line without a newline is
     * delivered when the log ends. Returns at once (after looking the container up); lines arrive on another thread.
     * A service without a container gets {@code sink.end("…reason…")} at once, on the calling thread.
     *
     * <p>The sink gets exactly one {@link LogSink#end} call per stream, always, and nothing after it: when the
     * container stops or the log is read to its end ({@code null}), when reading fails (a reason), and when the
     * handle is closed ({@code null}; once {@link LogStream#close()} returns, no {@link LogSink#line} call is under
     * way and none follows). Calls to one sink never overlap.
     */
    LogStream logs(StackRef stack, String service, int tail, boolean follow, LogSink sink);

    /** Releases the backend's connections to its engine; what it started keeps running. */
    @Override
    default void close() { }

    /** The longest line {@link #logs} delivers, in bytes of UTF-8 (plus the cut marker). */
    int MAX_LINE = 16 * 1024;

    /**
     * Receives a service's log lines on the backend's reading thread ({@code end} may also come on the thread that
     * calls {@link #logs} or closes the stream). The backend waits for each call, holding only a line's worth of
     * memory per output stream: a sink must not block for long, since that stalls the stream (and a close). A
     * consumer that can be slower than the service (a browser) hands lines to a bounded queue of its own.
     */
    interface LogSink {
        /** One line, without its line break. */
        void line(String text);

        /** The stream is over: {@code reason} is null for a normal end, otherwise a sentence a user can read. */
        void end(String reason);
    }

    /** A running {@link #logs} stream; closing it stops the stream and is idempotent. */
    interface LogStream extends AutoCloseable {
        @Override
        void close();
    }

    /** Receives progress messages while a stack starts or stops. */
    @FunctionalInterface
    interface Progress {
        void step(String message);

        Progress NONE = message -> { };
    }
}
