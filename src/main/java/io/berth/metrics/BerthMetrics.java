package io.berth.metrics;

import io.berth.model.Amounts;
import io.berth.model.StackState;
import io.berth.store.StackStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Berth's Prometheus metrics: stacks by state, launch durations and failures by reason, proxied requests and body
 * bytes by routing mode (and status class), open WebSockets, Jetty's threads, usage readings (and, when asked, what
 * each stack's services use), and the JVM's own. The hot path (a proxied request) costs one
 * timer record on a meter created up front.
 */
public final class BerthMetrics implements AutoCloseable {
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer launches;
    private final Timer[][] proxied = new Timer[2][CLASSES.length];
    /** [mode][0: from clients to services, 1: from services to clients] */
    private final Counter[][] bytes = new Counter[2][2];
    private final AtomicInteger openWebSockets = new AtomicInteger();
    private final StackCounts counts;
    private final Timer usageRounds;
    private final MultiGauge serviceCpu;
    private final MultiGauge serviceMemory;
    private final MultiGauge volumeBytes;

    public BerthMetrics(StackStore store) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        counts = new StackCounts(store);
        for (StackState state : StackState.values()) {
            Gauge.builder("berth.stacks", counts, c -> c.of(state)).description("Stacks by state")
                    .tag("state", state.name()).register(registry);
        }
        launches = Timer.builder("berth.launch.duration").description("From launch to READY")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        for (int mode = 0; mode < 2; mode++) {
            for (int c = 0; c < CLASSES.length; c++) {
                proxied[mode][c] = Timer.builder("berth.proxy.requests").description("Requests forwarded to services")
                        .tag("mode", mode == 0 ? "path" : "host").tag("status", CLASSES[c]).register(registry);
            }
        }
        for (int mode = 0; mode < 2; mode++) {
            for (int direction = 0; direction < 2; direction++) {
                bytes[mode][direction] = Counter.builder("berth.proxy.bytes").baseUnit("bytes")
                        .description("HTTP body bytes through the proxy").tag("mode", mode == 0 ? "path" : "host")
                        .tag("direction", direction == 0 ? "to_service" : "to_client").register(registry);
            }
        }
        Gauge.builder("berth.proxy.websockets.open", openWebSockets, AtomicInteger::get)
                .description("WebSockets open through the proxy").register(registry);
        usageRounds = Timer.builder("berth.usage.round").description("Rounds reading every container's usage")
                .register(registry);
        serviceCpu = MultiGauge.builder("berth.service.cpu.cores").description("CPU cores a service uses")
                .register(registry);
        serviceMemory = MultiGauge.builder("berth.service.memory.bytes")
                .description("Memory a service uses (working set)").register(registry);
        volumeBytes = MultiGauge.builder("berth.volume.bytes").description("Bytes in a named volume")
                .register(registry);
    }

    public void launched(long nanos) {
        launches.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts a failed launch under a coarse reason (missing image, timeout, exited, other). */
    public void launchFailed(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        String kind = r.contains("image") ? "image" : r.contains("timed out") || r.contains("timeout") ? "timeout"
                : r.contains("exited") ? "exited" : "other";
        Counter.builder("berth.launch.failures").description("Launches that ended FAILED").tag("reason", kind)
                .register(registry).increment();
    }

    public void proxied(boolean hostRouted, int status, long nanos, long bytesIn, long bytesOut) {
        int c = Math.min(Math.max(status / 100 - 1, 0), CLASSES.length - 1);
        int mode = hostRouted ? 1 : 0;
        proxied[mode][c].record(nanos, TimeUnit.NANOSECONDS);
        if (bytesIn > 0) {
            bytes[mode][0].increment(bytesIn);
        }
        if (bytesOut > 0) {
            bytes[mode][1].increment(bytesOut);
        }
    }

    /**
     * What all stacks hold together, the sums quotas count: {@code berth_quota_used{resource}} (stacks, containers,
     * cpu_cores, memory_bytes); read at most once a second.
     */
    public void bindUsage(java.util.function.Supplier<Amounts> total) {
        var cached = new java.util.concurrent.atomic.AtomicReference<Amounts>();
        var readAt = new java.util.concurrent.atomic.AtomicLong();
        java.util.function.Supplier<Amounts> read = () -> {
            long now = System.nanoTime();
            if (cached.get() == null || now - readAt.get() > 1_000_000_000L) {
                cached.set(total.get());
                readAt.set(now);
            }
            return cached.get();
        };
        Map<String, java.util.function.ToDoubleFunction<Amounts>> resources = Map.of(
                "stacks", a -> a.stacks(), "containers", a -> a.containers(),
                "cpu_cores", a -> a.cpuMillis() / 1000.0, "memory_bytes", a -> a.memoryBytes());
        resources.forEach((name, value) -> Gauge.builder("berth.quota.used", read, r -> value.applyAsDouble(r.get()))
                .description("Resources held by all stacks (what quotas count)").tag("resource", name).strongReference(true)
                .register(registry));
    }

    /** Jetty's request threads: busy, idle, max, queued jobs ({@code jetty_threads_*}). */
    public void bindJetty(org.eclipse.jetty.util.thread.ThreadPool threads) {
        new io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics(threads, java.util.List.of())
                .bindTo(registry);
    }

    /** Counts a stack stopped by the idle culler, by why: {@code idle_timeout} or {@code max_age}. */
    public void culled(String why) {
        Counter.builder("berth.culls").description("Stacks stopped for being idle or too old")
                .tag("reason", why.contains("max_age") ? "max_age" : "idle_timeout").register(registry).increment();
    }

    /** A READY stack failed because the engine kept restarting one of its services ({@code berth_crash_loops_total}). */
    public void crashLooped() {
        Counter.builder("berth.crash.loops").description("Stacks failed for a service the engine kept restarting")
                .register(registry).increment();
    }

    /** The kernel killed a service container for running out of memory ({@code berth_oom_kills_total}). */
    public void oomKilled() {
        Counter.builder("berth.oom.kills").description("Service containers killed for running out of memory")
                .register(registry).increment();
    }

    /** Counts a user's provisioning in a site stack ({@code berth_provisionings_total{result="ok"|"failed"}}). */
    public void provisioned(boolean ok) {
        Counter.builder("berth.provisionings").description("Users made an account in a site service, and failures")
                .tag("result", ok ? "ok" : "failed").register(registry).increment();
    }

    /** Counts one reading of a container's usage: {@code berth_usage_readings_total{result="ok"|"timeout"|"failed"}}. */
    public void usageReading(String result) {
        Counter.builder("berth.usage.readings").description("Readings of what service containers use, by result")
                .tag("result", result).register(registry).increment();
    }

    /** A backup of a stack's data that finished ({@code berth_backup_duration_seconds}). */
    public void backedUp(long nanos) {
        Timer.builder("berth.backup.duration").description("Backups of stacks' data that finished, and how long")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A backup of a stack's data that failed ({@code berth_backup_failures_total}). */
    public void backupFailed() {
        Counter.builder("berth.backup.failures").description("Backups of stacks' data that failed")
                .register(registry).increment();
    }

    /** Bytes held by all finished backups ({@code berth_backup_bytes}), read from {@code total} at each scrape. */
    public void bindBackupBytes(java.util.function.LongSupplier total) {
        Gauge.builder("berth.backup.bytes", total, t -> t.getAsLong()).description("Bytes held by finished backups")
                .strongReference(true).register(registry);
    }

    /** How long a round of usage readings took ({@code berth_usage_round_seconds}). */
    public void usageRound(long nanos) {
        usageRounds.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One labelled value of a per-stack gauge; {@code name} is the service (or, for volumes, the volume). */
    public record Row(String owner, String stack, String name, double value) { }

    /**
     * Replaces the per-stack gauges ({@code usage.per_stack_metrics}): {@code berth_service_cpu_cores} and
     * {@code berth_service_memory_bytes} by owner, stack and service, {@code berth_volume_bytes} by owner, stack
     * (empty for a volume the owner's stacks share) and volume. Rows not given again disappear.
     */
    public void perStackUsage(java.util.List<Row> cpu, java.util.List<Row> memory, java.util.List<Row> volumes) {
        serviceCpu.register(rows(cpu, "service"), true);
        serviceMemory.register(rows(memory, "service"), true);
        volumeBytes.register(rows(volumes, "volume"), true);
    }

    private static java.util.List<MultiGauge.Row<?>> rows(java.util.List<Row> rows, String nameTag) {
        return rows.stream().<MultiGauge.Row<?>>map(r -> MultiGauge.Row.of(
                Tags.of("owner", r.owner(), "stack", r.stack(), nameTag, r.name()), r.value())).toList();
    }

    /** Incremented when a WebSocket opens through the proxy, decremented when it closes. */
    public AtomicInteger openWebSockets() {
        return openWebSockets;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** Stack counts by state, read from the store at most once a second (one query per scrape). */
    private static final class StackCounts {
        private final StackStore store;
        private volatile Map<StackState, Long> counts = new EnumMap<>(StackState.class);
        private volatile long readAt;

        StackCounts(StackStore store) {
            this.store = store;
        }

        synchronized double of(StackState state) {
            long now = System.nanoTime();
            if (readAt == 0 || now - readAt > 1_000_000_000L) {
                counts = store.countByState();
                readAt = now;
            }
            return counts.getOrDefault(state, 0L);
        }
    }
}
