package io.berth.backend.docker;

import com.github.dockerjava.api.model.Container;
import io.berth.backend.Backend.Progress;
import io.berth.backend.Labels;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.engine.DockerCalls;
import io.berth.model.StackRef;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a stack's containers away without killing what holds data: each gets its image's stop signal (SIGTERM unless
 * its {@code STOPSIGNAL} says otherwise) and its stop grace (the label {@link ContainerFactory#STOP_GRACE_LABEL},
 * written at its creation, so a stop after a restart of Berth or a change of the template uses the grace it was
 * started with) before the engine kills it; then it is removed.
 *
 * <p>Order: a service is stopped once the services that depend on it ({@code depends_on}, the label
 * {@link ContainerFactory#DEPENDS_ON_LABEL}) have stopped, and everything else in parallel. The reverse of the start
 * order, as Compose does, because a client may still be writing to the database it depends on when the stop begins:
 * the client gets to finish and close its connections, then the database shuts down with nothing in flight. It costs
 * little: a service that exits on its signal takes a fraction of a second, and services without dependencies between
 * them (most stacks: one container) stop at once, as do the stacks of a burst of stops. Containers made before these
 * labels existed carry no dependencies and the default grace.
 */
final class GracefulStop {
    /** How long a service may take to shut down before the stack's progress says that it is waiting for it. */
    static final long REPORT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TICK_MILLIS = 200;
    private static final Set<String> NOT_RUNNING = Set.of("exited", "created", "dead");
    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final DockerCalls docker;

    GracefulStop(DockerCalls docker) {
        this.docker = docker;
    }

    /**
     * Stops and removes {@code containers} (all of stack {@code ref}); returns once they are gone. Services still
     * shutting down {@link #REPORT_AFTER_NANOS} after their signal are named on {@code progress}, once each.
     */
    void stop(StackRef ref, List<Container> containers, Progress progress) {
        Map<String, One> byService = new HashMap<>();
        List<One> all = containers.stream().map(One::new).toList();
        all.forEach(one -> byService.putIfAbsent(one.service, one));
        all.forEach(one -> one.stopped(byService));
        CompletableFuture<?>[] removed = all.stream().map(one -> one.stopped(byService).handle((done, failure) -> {
            if (failure != null) {
                LOG.warn("stack \"{}\" of \"{}\": stopping \"{}\" failed, so it is removed by force: {}",
                        ref.stack(), ref.owner(), one.service, failure.toString());
            }
            docker.removeContainer(one.id);
            return null;
        })).toArray(CompletableFuture[]::new);
        CompletableFuture<Void> gone = CompletableFuture.allOf(removed);
        while (true) {
            try {
                gone.get(TICK_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                all.forEach(one -> one.reportIfSlow(progress));
            } catch (InterruptedException e) {
                // Berth is shutting down: the engine finishes the stops it has begun; the next start stops the rest
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the stack", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("stopping the stack failed: " + e.getCause(), e.getCause());
            }
        }
    }

    /** One container's way out: the stop once its dependents are down, and whether that was reported as slow. */
    private final class One {
        final String id;
        final String service;
        final int grace;
        final List<String> dependsOn;
        final boolean running;
        private CompletableFuture<Void> stopped;
        private boolean visiting;
        private volatile long signalledAt;
        private volatile boolean reported;

        One(Container container) {
            Map<String, String> labels = Objects.requireNonNullElse(container.getLabels(), Map.of());
            id = container.getId();
            service = labels.getOrDefault(Labels.SERVICE, id);
            grace = grace(labels.get(ContainerFactory.STOP_GRACE_LABEL));
            String deps = labels.getOrDefault(ContainerFactory.DEPENDS_ON_LABEL, "");
            dependsOn = deps.isBlank() ? List.of() : Arrays.stream(deps.split(",")).map(String::trim).toList();
            running = !NOT_RUNNING.contains(container.getState());
        }

        /** Done when this container no longer runs; starts its stop once those that depend on it are down. */
        CompletableFuture<Void> stopped(Map<String, One> byService) {
            if (stopped != null) {
                return stopped;
            }
            if (visiting) {
                return CompletableFuture.completedFuture(null); // labels that loop (not made by Berth): no wait
            }
            visiting = true;
            CompletableFuture<?>[] dependents = byService.values().stream()
                    .filter(other -> other != this && other.dependsOn.contains(service))
                    .map(other -> other.stopped(byService).exceptionally(failure -> null))
                    .toArray(CompletableFuture[]::new);
            stopped = CompletableFuture.allOf(dependents).thenCompose(ready -> {
                if (!running) {
                    return CompletableFuture.completedFuture(null);
                }
                signalledAt = System.nanoTime();
                return docker.stopContainer(id, grace);
            });
            visiting = false;
            return stopped;
        }

        void reportIfSlow(Progress progress) {
            long at = signalledAt;
            if (!reported && at != 0 && !stopped.isDone() && System.nanoTime() - at >= REPORT_AFTER_NANOS) {
                reported = true;
                progress.step("Stopping (waiting for " + service + " to shut down; it is killed after " + grace
                        + " s)");
            }
        }
    }

    private static int grace(String label) {
        try {
            int seconds = label == null ? ServiceSpec.DEFAULT_STOP_GRACE_SECONDS : Integer.parseInt(label.trim());
            return Math.max(0, Math.min(seconds, ServiceSpec.MAX_STOP_GRACE_SECONDS));
        } catch (NumberFormatException e) {
            return ServiceSpec.DEFAULT_STOP_GRACE_SECONDS;
        }
    }
}
