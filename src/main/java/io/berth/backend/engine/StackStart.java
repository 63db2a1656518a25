package io.berth.backend.engine;

import com.github.dockerjava.api.model.Mount;
import io.berth.backend.Backend.Progress;
import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.model.StackRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of one stack, the same on one Docker engine and on a swarm: checks that need nothing made, then the
 * stack's network, then for each service in spec order its volumes, its container or Swarm service, and the wait for
 * it to pass its {@link HealthCheck}, each one healthy before the next starts (that is how the template's
 * {@code depends_on} is kept). What differs between the engines are the {@link Steps}. When a step fails, what this
 * start made ({@link Made}) is removed again and the start's own error is rethrown (JupyterHub's {@code User.spawn});
 * an unexpected engine error becomes a {@link BackendException} that says whether the engine is still there. Objects
 * that existed before the start are never removed by it.
 */
public final class StackStart {
    private static final Logger LOG = LoggerFactory.getLogger(StackStart.class);

    /**
     * The engine's own part of a start. A backend may make one per start, so that a step can keep what an earlier one
     * found; every step that creates an object records it in {@link Made}, so that {@link #undo} removes exactly that.
     */
    public interface Steps {
        /** Checks made before anything is created (images present, Berth able to reach the network, …). */
        void check(StackSpec spec, Progress progress) throws BackendException;

        /** The stack's network, created when missing (then recorded with {@link Made#network(String)}); its name. */
        String network(StackRef ref, Progress progress, Made made) throws BackendException;

        /**
         * The service's container or Swarm service, reused when it is there and created otherwise (then its id is
         * added to {@link Made#services()}); its id.
         */
        String service(StackRef ref, String network, ServiceSpec service, List<Mount> mounts, Progress progress,
                       Made made) throws BackendException;

        /**
         * Waits until the service {@code id} passes {@code check} on {@code network}, or fails; {@code deadline}
         * ({@link System#nanoTime()}) is the launch's. Returns where the proxy reaches it.
         */
        Endpoint healthy(ServiceSpec service, String id, HealthCheck check, String network, long deadline)
                throws BackendException;

        /**
         * Removes what {@code made} records, services newest first, then the volumes, then the network; an error is
         * added to {@code failure} as suppressed, which stays the one reported. The engine's own, because its rules
         * differ: Swarm takes a service's containers away after the service, so there the rest waits for that.
         */
        void undo(StackRef ref, Made made, BackendException failure);
    }

    /** What one start created, so a failed start removes exactly that. */
    public static final class Made {
        private String network;
        private final List<String> services = new ArrayList<>();
        private final List<String> volumes = new ArrayList<>();

        /** The network this start created, or null. */
        public String network() {
            return network;
        }

        public void network(String name) {
            network = name;
        }

        /** Ids of the containers or Swarm services this start created, oldest first; steps add to it. */
        public List<String> services() {
            return services;
        }

        /** Names of the stack-scoped volumes this start created ({@link Volumes#ensure} adds to it). */
        public List<String> volumes() {
            return volumes;
        }
    }

    private final String engine;
    private final String where;
    private final HealthCache health;
    private final Supplier<Optional<String>> unavailable;
    private final Volumes volumes;
    private final int timeoutSeconds;

    /**
     * {@code engine} names the engine in an unexpected failure ("Docker failed while starting the stack: …");
     * {@code where} follows "answers" in the log line of a started stack ("", " on the swarm"); {@code unavailable}
     * is the backend's check, asked after {@code health} forgot its answer; {@code timeoutSeconds} bounds the launch.
     */
    public StackStart(String engine, String where, HealthCache health, Supplier<Optional<String>> unavailable,
                      Volumes volumes, int timeoutSeconds) {
        this.engine = engine;
        this.where = where;
        this.health = health;
        this.unavailable = unavailable;
        this.volumes = volumes;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Starts {@code spec} with {@code steps}; the endpoints of its services, in spec order. */
    public List<Endpoint> start(StackSpec spec, Progress progress, Steps steps) throws BackendException {
        StackRef ref = spec.ref();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Made made = new Made();
        try {
            steps.check(spec, progress);
            String network = steps.network(ref, progress, made);
            List<Endpoint> endpoints = new ArrayList<>();
            for (ServiceSpec service : spec.services()) {
                List<Mount> mounts = volumes.ensure(ref, service.volumes(), progress, made.volumes);
                String id = steps.service(ref, network, service, mounts, progress, made);
                HealthCheck check = HealthCheck.of(service);
                progress.step("Waiting for " + service.name() + " (" + check.describe() + ")");
                endpoints.add(steps.healthy(service, id, check, network, deadline));
            }
            LOG.info("stack \"{}\" of \"{}\" answers{}: {}", ref.stack(), ref.owner(), where, endpoints);
            return endpoints;
        } catch (BackendException e) {
            undo(ref, steps, made, e);
            throw e;
        } catch (RuntimeException e) {
            health.forget(); // the engine may have gone away: ask again rather than quote a stale answer
            BackendException failure = new BackendException(unavailable.get()
                    .orElse(engine + " failed while starting the stack: " + Causes.shortCause(e)), e);
            undo(ref, steps, made, failure);
            throw failure;
        }
    }

    private static void undo(StackRef ref, Steps steps, Made made, BackendException failure) {
        LOG.warn("stack \"{}\" of \"{}\" failed to start: {}", ref.stack(), ref.owner(), failure.getMessage());
        steps.undo(ref, made, failure);
    }
}
