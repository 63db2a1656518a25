package io.berth.usage;

import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.ServiceUsage;
import io.berth.backend.UsageTarget;
import io.berth.config.Usage;
import io.berth.metrics.BerthMetrics;
import io.berth.model.Stack;
import io.berth.model.StackRef;
import io.berth.model.StackState;
import io.berth.store.StackStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every running service container's usage each {@code usage.interval_seconds} into {@link UsageHistory}, on
 * threads of its own: one list call, then one reading per container on a pool of {@link #READERS}, each given
 * {@link #CALL_TIMEOUT} from when it starts. A reading that hangs (a stalled engine, a container the engine cannot
 * answer for) is interrupted then and counted ({@code berth_usage_readings_total{result="timeout"}}); the others and
 * the next rounds go on, and no page or lifecycle job ever waits for a reading. A backend that ignores the
 * interruption keeps one reader thread and that container's readings (skipped while it hangs), no more. Volume sizes are measured every
 * {@code usage.volume_interval_minutes}, and in the first round after a stack became READY (so a new stack shows
 * its volumes at once). The history is saved every five minutes and at {@link #close}.
 */
public final class UsageSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageSampler.class);
    /** Readings under way at once; they mostly wait on the engine's once-a-second collector. */
    static final int READERS = 32;
    /** How long one reading may take (the engine answers in about a second). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    static final Duration SAVE_EVERY = Duration.ofMinutes(5);

    private final Backend backend;
    private final StackStore stacks;
    private final UsageHistory history;
    private final BerthMetrics metrics;
    private final Usage config;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** Only the readings' alarms, so a long round or a save never delays one. */
    private final ScheduledExecutorService alarms;
    private final ExecutorService readers;
    private Set<Long> readyBefore = Set.of();
    /** Containers whose reading is under way. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public UsageSampler(Backend backend, StackStore stacks, UsageHistory history, BerthMetrics metrics, Usage config,
                        Clock clock) {
        this.backend = backend;
        this.stacks = stacks;
        this.history = history;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.timer = Executors.newScheduledThreadPool(2, named("berth-usage"));
        this.alarms = Executors.newSingleThreadScheduledExecutor(named("berth-usage-alarm"));
        this.readers = Executors.newFixedThreadPool(READERS, named("berth-usage-read"));
    }

    /** Starts the timers (nothing happens with {@code usage.interval_seconds: 0}). */
    public UsageSampler start() {
        if (config.intervalSeconds > 0) {
            timer.scheduleAtFixedRate(() -> guarded("usage sampling", this::sample), 0, config.intervalSeconds,
                    TimeUnit.SECONDS);
            timer.scheduleWithFixedDelay(() -> guarded("usage saving", history::save), SAVE_EVERY.toSeconds(),
                    SAVE_EVERY.toSeconds(), TimeUnit.SECONDS);
        }
        if (config.volumeIntervalMinutes > 0) {
            timer.scheduleWithFixedDelay(() -> guarded("volume sizes", this::measureVolumes),
                    config.volumeIntervalMinutes, config.volumeIntervalMinutes, TimeUnit.MINUTES);
        }
        return this;
    }

    /**
     * One round: lists the running containers and starts a reading of each, then returns; each reading is recorded
     * (and counted) when it ends, so a reading that hangs delays neither the others nor the next round. A container
     * whose reading from an earlier round is still under way is skipped this round ({@code result="skipped"}).
     */
    public void sample() {
        long began = System.nanoTime();
        long round = clock.instant().getEpochSecond();
        List<UsageTarget> targets = backend.usageTargets();
        Map<StackRef, Stack> byRef = new HashMap<>();
        for (Stack stack : stacks.all()) {
            byRef.put(stack.ref(), stack);
        }
        List<CompletableFuture<Void>> readings = new ArrayList<>();
        for (UsageTarget target : targets) {
            Stack stack = byRef.get(target.stack());
            if (stack == null) {
                continue; // not (or no longer) in the store: nothing to keep its points under
            }
            if (!inFlight.add(target.containerId())) {
                metrics.usageReading("skipped");
                continue;
            }
            AtomicBoolean fired = new AtomicBoolean();
            readings.add(CompletableFuture.supplyAsync(() -> read(target, fired), readers)
                    .handle((reading, error) -> {
                        inFlight.remove(target.containerId());
                        if (error == null) {
                            history.record(stack.id(), round, reading);
                            metrics.usageReading("ok");
                        } else {
                            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                            boolean timeout = fired.get() || cause != null
                                    && cause.getCause() instanceof TimeoutException;
                            metrics.usageReading(timeout ? "timeout" : "failed");
                            LOG.info("usage of \"{}\" in stack \"{}\" of \"{}\" not read: {}", target.service(),
                                    target.stack().stack(), target.stack().owner(),
                                    timeout ? "no answer within " + CALL_TIMEOUT.toSeconds() + " s" : cause);
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(readings.toArray(CompletableFuture[]::new))
                .whenComplete((done, error) -> metrics.usageRound(System.nanoTime() - began));
        history.retain(new HashSet<>(byRef.values().stream().map(Stack::id).toList()));
        Set<Long> ready = new HashSet<>(byRef.values().stream().filter(s -> s.state() == StackState.READY)
                .map(Stack::id).toList());
        boolean newlyReady = !readyBefore.containsAll(ready);
        readyBefore = ready;
        if (newlyReady && config.volumeIntervalMinutes > 0) {
            guarded("volume sizes", this::measureVolumes);
        }
        if (config.perStackMetrics) {
            publish(byRef);
        }
    }

    /** One reading, interrupted when it outlives {@link #CALL_TIMEOUT}. */
    private ServiceUsage read(UsageTarget target, AtomicBoolean fired) {
        Thread self = Thread.currentThread();
        ScheduledFuture<?> alarm = alarms.schedule(() -> {
            fired.set(true);
            self.interrupt();
        }, CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return backend.usage(target, CALL_TIMEOUT);
        } catch (BackendException e) {
            throw new CompletionException(e);
        } finally {
            alarm.cancel(false);
            Thread.interrupted(); // an alarm that fired just as the reading ended must not reach the next task
        }
    }

    private void measureVolumes() {
        history.volumes(backend.volumeUsage());
    }

    private void publish(Map<StackRef, Stack> byRef) {
        Map<Long, Stack> byId = new HashMap<>();
        byRef.values().forEach(s -> byId.put(s.id(), s));
        List<BerthMetrics.Row> cpu = new ArrayList<>();
        List<BerthMetrics.Row> memory = new ArrayList<>();
        history.latest().forEach((id, services) -> {
            Stack stack = byId.get(id);
            if (stack != null) {
                services.forEach((service, c) -> {
                    cpu.add(new BerthMetrics.Row(stack.owner(), stack.name(), service, c.cpuCores()));
                    memory.add(new BerthMetrics.Row(stack.owner(), stack.name(), service, c.memoryBytes()));
                });
            }
        });
        List<BerthMetrics.Row> volumes = history.volumeSizes().stream()
                .map(v -> new BerthMetrics.Row(v.owner(), v.stack() == null ? "" : v.stack(), v.volume(), v.bytes()))
                .toList();
        metrics.perStackUsage(cpu, memory, volumes);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        alarms.shutdownNow();
        readers.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guarded("usage saving", history::save);
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.toString());
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + count.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
