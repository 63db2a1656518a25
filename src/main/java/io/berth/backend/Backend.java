package io.berth.backend;

import java.util.List;
import java.util.Optional;

/**
 * Runs stacks: the seam between Berth and a container engine, modelled on JupyterHub's Spawner. Implementations own
 * every object they create, name it predictably ({@link ObjectNames}) and label it so that {@link #list()} finds it
 * again after a restart; they never touch objects without their labels. All methods may block; callers run them off
 * request threads.
 */
public interface Backend {

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

    /** Removes the stack's containers; keeps its network. Stopping what is already gone succeeds. */
    void stop(StackRef stack);

    /**
     * Removes the stack's containers and its network, and, unless {@code keepData}, its stack-scoped volumes
     * (owner-scoped volumes are never removed with a stack). Removing what is already gone succeeds.
     */
    void remove(StackRef stack, boolean keepData);

    /** Every service container this backend owns, running or not: what the reconciler compares with the store. */
    List<ServiceStatus> list();

    /** Receives progress messages while a stack starts. */
    @FunctionalInterface
    interface Progress {
        void step(String message);

        Progress NONE = message -> { };
    }
}
