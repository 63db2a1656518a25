package io.berth.usage;

import io.berth.backend.ServiceUsage;
import io.berth.backend.VolumeUsage;
import io.berth.model.Stack;
import io.berth.store.UsageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each service used, at two resolutions: the last hour at the sampling interval, in memory only (a
 * {@link Ring} per service), and seven days of five-minute points, in the store ({@link UsageStore}: one row per
 * service and hour, {@link HourBlock}), with the hour under way also in memory.
 *
 * <p>Why the week is in the store and not in memory: a week of five-minute points is 48 KiB per service, so 1,000
 * stacks of two services would hold 97 MB of heap for charts that are rarely opened; in the store the same week is
 * 168 rows of 288 bytes per service, about 60 KB with the row's key and overhead, at most ~120 MB for 1,000 stacks of
 * two services that run all week (stopped hours take no rows), read only when someone asks for a day or a week. The
 * store beats a file per stack because its rows go with their stack (foreign key cascade), work the same on H2 and
 * PostgreSQL (several Berths on one database) and are in Berth's backups. What memory holds is bounded too: per
 * service that ran in the last hour, 3600 / {@code usage.interval_seconds} points of 32 bytes (7.5 KiB at 15 s)
 * plus one 288-byte block, about 8 KiB; 1,000 stacks of two services: 16 MiB. Saving every five minutes
 * ({@link #save}), and at shutdown, means a crash loses at most five minutes of the week; the last hour at the fine
 * interval is rebuilt from the five-minute points after a restart.
 */
public final class UsageHistory {
    /** How far back the store keeps points. */
    public static final long WEEK_SECONDS = 7 * 24 * 3600;

    /** The ranges the API and the page offer. */
    public enum Range {
        HOUR("1h", 3600), DAY("24h", 24 * 3600), WEEK("7d", WEEK_SECONDS);

        public final String key;
        public final long seconds;

        Range(String key, long seconds) {
            this.key = key;
            this.seconds = seconds;
        }

        public static Optional<Range> of(String key) {
            for (Range r : values()) {
                if (r.key.equals(key)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    private record Key(long stackId, String service) { }

    private record Measured(VolumeUsage volume, Instant at) { }

    private final UsageStore store;
    private final int intervalSeconds;
    private final Clock clock;
    private final Map<Key, ServiceHistory> services = new ConcurrentHashMap<>();
    /** The latest measurement of every volume, replaced whole each time. */
    private volatile List<Measured> volumes = List.of();

    public UsageHistory(UsageStore store, int intervalSeconds, Clock clock) {
        this.store = store;
        this.intervalSeconds = Math.max(1, intervalSeconds);
        this.clock = clock;
    }

    /** Adds a reading of a service of stack {@code stackId}, taken in the round that began at {@code round}. */
    public void record(long stackId, long round, ServiceUsage reading) {
        String service = reading.target().service();
        services.computeIfAbsent(new Key(stackId, service), k -> new ServiceHistory(intervalSeconds,
                        hour -> store.of(stackId, hour).stream()
                                .filter(b -> b.hourStart() == hour && b.service().equals(service))
                                .map(b -> HourBlock.decode(hour, b.points())).findFirst().orElse(null)))
                .add(round, reading);
    }

    /** Replaces the volume sizes with a new measurement. */
    public void volumes(List<VolumeUsage> measured) {
        Instant now = clock.instant();
        volumes = measured.stream().map(v -> new Measured(v, now)).toList();
    }

    /** Forgets what memory holds for stacks that no longer exist (their stored rows went with them). */
    public void retain(Set<Long> stackIds) {
        long now = clock.instant().getEpochSecond();
        services.entrySet().removeIf(e -> !stackIds.contains(e.getKey().stackId()) || e.getValue().stale(now));
    }

    /** Writes the five-minute points changed since the last call, and drops those older than a week. */
    public void save() {
        List<UsageStore.Block> blocks = new ArrayList<>();
        services.forEach((key, history) -> history.takeUnsaved().forEach(block -> blocks.add(
                new UsageStore.Block(key.stackId(), key.service(), block.hourStart, block.encode()))));
        store.save(blocks);
        store.deleteBefore(HourBlock.hourOf(clock.instant().getEpochSecond() - WEEK_SECONDS));
    }

    /** The stack's usage over {@code range}: latest values and series per service, and its volumes. */
    public UsageReport report(Stack stack, Range range) {
        long now = clock.instant().getEpochSecond();
        long from = now - range.seconds;
        Map<String, List<Point>> series = new TreeMap<>();
        if (range == Range.HOUR) {
            // the fine points of memory; before the first of them (Berth restarted), the store's five-minute ones
            Map<String, TreeMap<Long, Point>> coarse = coarse(stack.id(), from);
            forStack(stack.id()).forEach((service, h) -> {
                long oldest = h.recentOldest();
                // only five-minute points that ended before the first fine one
                List<Point> points = new ArrayList<>(coarse.getOrDefault(service, new TreeMap<>())
                        .headMap(Math.min(oldest, now + 1) - HourBlock.STEP_SECONDS, true).values());
                points.addAll(h.recentSince(from));
                series.put(service, points);
            });
            coarse.forEach((service, points) -> series.computeIfAbsent(service, s -> new ArrayList<>(points.values())));
        } else {
            coarse(stack.id(), from).forEach((service, points) -> series.put(service, new ArrayList<>(points.values())));
        }
        Map<String, ServiceHistory> live = forStack(stack.id());
        List<UsageReport.ServiceReport> out = new ArrayList<>();
        for (String service : series.keySet()) {
            ServiceHistory h = live.get(service);
            out.add(new UsageReport.ServiceReport(service, h == null ? null : current(h),
                    UsageReport.Series.of(series.get(service))));
        }
        List<UsageReport.VolumeReport> vols = volumes.stream()
                .filter(m -> m.volume().owner().equals(stack.owner())
                        && (m.volume().stack() == null || m.volume().stack().equals(stack.name())))
                .map(m -> new UsageReport.VolumeReport(m.volume().volume(), m.volume().stack() == null,
                        m.volume().bytes(), m.at()))
                .toList();
        return new UsageReport(range.key, range == Range.HOUR ? intervalSeconds : HourBlock.STEP_SECONDS, out, vols);
    }

    /** Five-minute points per service from {@code from} on: the store's, with the hours memory holds on top. */
    private Map<String, TreeMap<Long, Point>> coarse(long stackId, long from) {
        Map<String, TreeMap<Long, Point>> out = new TreeMap<>();
        for (UsageStore.Block block : store.of(stackId, HourBlock.hourOf(from))) {
            for (Point p : HourBlock.decode(block.hourStart(), block.points()).points()) {
                if (p.at() >= from) {
                    out.computeIfAbsent(block.service(), s -> new TreeMap<>()).put(p.at(), p);
                }
            }
        }
        forStack(stackId).forEach((service, h) -> {
            HourBlock hour = h.hour();
            if (hour != null) {
                hour.points().stream().filter(p -> p.at() >= from)
                        .forEach(p -> out.computeIfAbsent(service, s -> new TreeMap<>()).put(p.at(), p));
            }
        });
        return out;
    }

    private Map<String, ServiceHistory> forStack(long stackId) {
        Map<String, ServiceHistory> out = new TreeMap<>();
        services.forEach((key, h) -> {
            if (key.stackId() == stackId) {
                out.put(key.service(), h);
            }
        });
        return out;
    }

    private static UsageReport.Current current(ServiceHistory h) {
        ServiceUsage r = h.lastReading();
        Point p = h.latest();
        if (r == null || p == null) {
            return null;
        }
        return new UsageReport.Current(r.read(), p.get(Measure.CPU_CORES), r.memoryBytes(), r.memoryLimitBytes(),
                p.get(Measure.NET_RX_PER_SECOND), p.get(Measure.NET_TX_PER_SECOND),
                p.get(Measure.BLOCK_READ_PER_SECOND), p.get(Measure.BLOCK_WRITE_PER_SECOND), r.rxBytes(), r.txBytes(),
                r.readBytes(), r.writeBytes());
    }

    /**
     * The last time since {@code since} that the stack's services together used at least {@code cores}, from the
     * fine points, and from the store for what lies before them; empty when they never did.
     */
    public Optional<Instant> lastBusy(long stackId, double cores, Instant since) {
        long from = since.getEpochSecond();
        TreeMap<Long, Double> sums = new TreeMap<>();
        long oldest = Long.MAX_VALUE;
        for (ServiceHistory h : forStack(stackId).values()) {
            oldest = Math.min(oldest, h.recentOldest());
            h.recentSince(from).forEach(p -> sums.merge(p.at(), (double) p.get(Measure.CPU_CORES), Double::sum));
        }
        Optional<Long> busy = sums.descendingMap().entrySet().stream().filter(e -> e.getValue() >= cores)
                .map(Map.Entry::getKey).findFirst();
        if (busy.isEmpty() && from < oldest) {
            TreeMap<Long, Double> coarseSums = new TreeMap<>();
            long limit = oldest;
            coarse(stackId, from).values().forEach(points -> points.headMap(limit).values()
                    .forEach(p -> coarseSums.merge(p.at(), (double) p.get(Measure.CPU_CORES), Double::sum)));
            busy = coarseSums.descendingMap().entrySet().stream().filter(e -> e.getValue() >= cores)
                    .map(e -> e.getKey() + HourBlock.STEP_SECONDS).findFirst();
        }
        return busy.map(Instant::ofEpochSecond);
    }

    /** Latest values per running service, for the per-stack gauges: stack id → service → values. */
    public Map<Long, Map<String, UsageReport.Current>> latest() {
        Map<Long, Map<String, UsageReport.Current>> out = new TreeMap<>();
        long now = clock.instant().getEpochSecond();
        services.forEach((key, h) -> {
            UsageReport.Current c = current(h);
            if (c != null && c.at().getEpochSecond() >= now - 3L * intervalSeconds - 10) {
                out.computeIfAbsent(key.stackId(), k -> new TreeMap<>()).put(key.service(), c);
            }
        });
        return out;
    }

    /** The latest volume sizes measured. */
    public Collection<VolumeUsage> volumeSizes() {
        return volumes.stream().map(Measured::volume).toList();
    }
}
