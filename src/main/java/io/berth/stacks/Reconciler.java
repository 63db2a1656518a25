package io.berth.stacks;

import io.berth.backend.Backend;
import io.berth.backend.Endpoint;
import io.berth.backend.ServiceStatus;
import io.berth.model.Stack;
import io.berth.model.StackRef;
import io.berth.model.StackState;
import io.berth.store.StackStore;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares what the store says with what the backend runs, and fixes the difference with a log line per fix
 * (JupyterHub's {@code check_routes}): at start-up, to pick up stacks that ran through a restart of Berth, and then
 * periodically, to notice containers that died or were removed behind Berth's back.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final int MISSES_BEFORE_FAILING = 2;
    /**
     * Passes a service may spend being brought back by the engine itself (Swarm replacing a task, Docker's restart
     * policy) before its stack fails all the same: a crash loop is a failure, a replacement is not.
     */
    static final int PASSES_WHILE_RESTARTING = 10;
    /** How the reason of a stack failed by the reconciler starts; such a stack may recover by itself. */
    static final String OUTSIDE = "Stopped running outside Berth: ";

    private final StackStore store;
    private final Backend backend;
    private final StackService stacks;
    private final StackChanges changes;
    private final Adoption adoption;
    private final CrashLoops crashLoops;
    /** READY stacks found with a service down, and in how many passes in a row. */
    private final Map<Long, Integer> down = new java.util.concurrent.ConcurrentHashMap<>();
    /** The endpoints last written per stack, so a pass writes only what changed. */
    private final Map<Long, java.util.Set<Endpoint>> written = new java.util.concurrent.ConcurrentHashMap<>();
    /** Stacks whose containers had no record in the last pass. */
    private final Set<StackRef> orphans = new HashSet<>();

    public Reconciler(StackStore store, Backend backend, StackService stacks, StackChanges changes, Adoption adoption,
                      CrashLoops crashLoops) {
        this.adoption = adoption;
        this.crashLoops = crashLoops;
        this.store = store;
        this.backend = backend;
        this.stacks = stacks;
        this.changes = changes;
    }

    /**
     * One pass. {@code startup} is true for the first pass after Berth starts: stacks caught mid-start or
     * mid-stop by the restart have no job any more, so their job is queued again (start re-attaches to running
     * containers).
     */
    public void run(boolean startup) {
        if (backend.unavailable().isPresent()) {
            LOG.debug("reconcile skipped: {}", backend.unavailable().get());
            return;
        }
        Map<StackRef, List<ServiceStatus>> actual = backend.list().stream()
                .collect(Collectors.groupingBy(ServiceStatus::stack));
        Set<StackRef> known = new HashSet<>();
        List<Stack> all = store.all();
        if (startup) {
            // stacks caught waiting for or in their start are queued again in the order they were launched
            all = all.stream().sorted(Comparator.comparing(Stack::createdAt).thenComparing(Stack::id)).toList();
        }
        Set<Long> ids = all.stream().map(Stack::id).collect(Collectors.toSet());
        written.keySet().retainAll(ids);
        down.keySet().retainAll(ids);
        // A stack just failed for its crash loop keeps its notes until it is started, stopped or deleted: while its
        // containers are taken away, a request that still finds it READY in the proxy's cache gets "being
        // restarted", not a bare 502 (pages show restarts of READY stacks only)
        crashLoops.keepOnly(all.stream().filter(s -> s.state() == StackState.READY || s.state() == StackState.FAILED)
                .map(Stack::id).collect(Collectors.toSet()));
        for (Stack stack : all) {
            known.add(stack.ref());
            if (stacks.busy(stack.id())) {
                continue;
            }
            List<ServiceStatus> running = actual.getOrDefault(stack.ref(), List.of());
            try {
                reconcile(stack, running, startup);
            } catch (RuntimeException e) {
                LOG.warn("reconcile of stack \"{}\" of \"{}\" failed: {}", stack.name(), stack.owner(), e.toString(),
                        e);
            }
        }
        // The containers were listed before the records were read, and a record is written before its containers are
        // made: containers without a record have lost it, unless a delete removed them and then the record between
        // the two reads. So an orphan is adopted when seen in two passes in a row (at once at start-up: no job ran).
        Set<StackRef> seenBefore = Set.copyOf(orphans);
        orphans.clear();
        for (var orphan : actual.entrySet()) {
            if (!known.contains(orphan.getKey())) {
                orphans.add(orphan.getKey());
                if (!startup && !seenBefore.contains(orphan.getKey())) {
                    continue;
                }
                try {
                    adoption.adopt(orphan.getKey(), orphan.getValue());
                } catch (RuntimeException e) {
                    LOG.warn("reconcile: adopting stack {} failed: {}", orphan.getKey(), e.toString(), e);
                }
            }
        }
    }

    private void reconcile(Stack stack, List<ServiceStatus> services, boolean startup) {
        if (stack.state() != StackState.READY) {
            written.remove(stack.id()); // its next start writes fresh targets; compare with those afterwards
        }
        switch (stack.state()) {
            case PENDING, STARTING -> {
                if (startup) {
                    LOG.info("reconcile: stack \"{}\" of \"{}\" was {} when Berth stopped; starting it again",
                            stack.name(), stack.owner(), stack.state());
                    stacks.submitStart(stack);
                }
            }
            case STOPPING -> {
                if (startup) {
                    LOG.info("reconcile: stack \"{}\" of \"{}\" was STOPPING; stopping it", stack.name(), stack.owner());
                    stacks.submitStop(stack);
                }
            }
            case READY -> {
                var loop = crashLoops.observe(stack, services);
                if (loop.isPresent()) {
                    // its containers go with the next pass (FAILED with running containers): the loop ends, and the
                    // reason keeps the exit code and the last log line
                    stacks.fail(stack, loop.get() + ". Fix the cause, then start the stack again.");
                    crashLoops.failed(stack, loop.get());
                    return;
                }
                List<String> missing = notRunning(stack, services);
                if (!missing.isEmpty()) {
                    // Twice in a row: a Docker daemon that is restarting its containers is not a crash; longer while
                    // the engine says it is bringing every missing service back.
                    Map<String, ServiceStatus> statuses = byService(services);
                    boolean comingBack = missing.stream().allMatch(s -> statuses.get(s) != null
                            && statuses.get(s).restarting());
                    int allowed = comingBack ? PASSES_WHILE_RESTARTING : MISSES_BEFORE_FAILING;
                    if (down.merge(stack.id(), 1, Integer::sum) < allowed) {
                        if (comingBack) {
                            // its old address is dead: the proxy says "being restarted" at once instead of waiting
                            // out a connect timeout, and the next pass writes the new address
                            updateTargets(stack, services);
                        }
                        return;
                    }
                    down.remove(stack.id());
                    String detail = missing.stream().map(s -> statuses.get(s) == null ? s + " (container removed)"
                            : s + " (" + statuses.get(s).detail() + ")").collect(Collectors.joining(", "));
                    // The containers stay: their logs explain the failure, and Docker's restart policy may yet
                    // bring them back (a daemon restart), in which case the next pass makes the stack READY again.
                    stacks.fail(stack, OUTSIDE + detail + ". Start the stack again.");
                    return;
                }
                down.remove(stack.id());
                updateTargets(stack, services);
            }
            case DELETING -> stacks.submitDelete(stack, store.deleteKeepsData(stack.id()));
            case FAILED -> {
                if (Adoption.isAdopted(stack)) {
                    return; // kept as found until its owner or an admin deletes it
                }
                boolean failedOutside = stack.reason() != null && stack.reason().startsWith(OUTSIDE);
                if (failedOutside && !services.isEmpty() && notRunning(stack, services).isEmpty()) {
                    if (stacks.recovered(stack)) {
                        LOG.info("reconcile: stack \"{}\" of \"{}\" runs again; READY", stack.name(), stack.owner());
                        updateTargets(stack, services);
                    }
                } else if (!failedOutside && services.stream().anyMatch(ServiceStatus::running)) {
                    LOG.warn("reconcile: stack \"{}\" of \"{}\" is FAILED but has running containers; removing them",
                            stack.name(), stack.owner());
                    backend.stop(stack.ref());
                }
            }
            case STOPPED -> {
                if (!services.isEmpty()) {
                    LOG.warn("reconcile: stack \"{}\" of \"{}\" is {} but has containers; removing them",
                            stack.name(), stack.owner(), stack.state());
                    backend.stop(stack.ref());
                }
            }
        }
    }

    private List<String> notRunning(Stack stack, List<ServiceStatus> services) {
        Map<String, ServiceStatus> byService = byService(services);
        return stacks.details().serviceNames(stack).stream()
                .filter(s -> byService.get(s) == null || !byService.get(s).running()).toList();
    }

    private static Map<String, ServiceStatus> byService(List<ServiceStatus> services) {
        return services.stream().collect(Collectors.toMap(ServiceStatus::service, s -> s, (a, b) -> a));
    }

    /** Where the services answer now (addresses and published ports can change when Docker restarts them). */
    private void updateTargets(Stack stack, List<ServiceStatus> services) {
        List<Endpoint> endpoints = services.stream().filter(ServiceStatus::running)
                .map(ServiceStatus::endpoint).filter(java.util.Objects::nonNull).toList();
        if (java.util.Set.copyOf(endpoints).equals(written.put(stack.id(), java.util.Set.copyOf(endpoints)))) {
            return; // unchanged since the last pass: no write, and the proxy's cached routes stay warm
        }
        store.setTargets(stack.id(), endpoints);
        changes.publish(StackChange.of(stack, StackChange.Kind.TARGETS));
    }
}
