package io.berth.usage;

import io.berth.backend.ServiceUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * One service's usage in memory: its last reading (rates need two), the last hour of points at the sampling
 * interval ({@link Ring}), and the five-minute points of the hour under way ({@link HourBlock}), which
 * {@link #takeUnsaved} hands to the store. Older five-minute points live in the store only.
 */
final class ServiceHistory {
    private final Ring recent;
    private final Bucket fiveMinutes = new Bucket(HourBlock.STEP_SECONDS);
    private HourBlock hour;
    private final List<HourBlock> unsaved = new ArrayList<>();
    private boolean dirty;
    private ServiceUsage last;
    private Point latest;

    private final java.util.function.LongFunction<HourBlock> stored;

    /** @param stored the stored block of an hour, or null: what a restarted Berth continues with */
    ServiceHistory(int intervalSeconds, java.util.function.LongFunction<HourBlock> stored) {
        recent = new Ring(Math.max(1, 3600 / intervalSeconds));
        this.stored = stored;
    }

    /**
     * Adds a reading taken in the round that began at {@code round} (seconds since the epoch; the rounds of all
     * services share it, so a stack's services line up). The first reading of a container makes no point: CPU and
     * the byte rates need a second one.
     */
    synchronized void add(long round, ServiceUsage reading) {
        ServiceUsage previous = last;
        last = reading;
        if (previous == null || !previous.target().containerId().equals(reading.target().containerId())) {
            return;
        }
        double seconds = (reading.read().toEpochMilli() - previous.read().toEpochMilli()) / 1000.0;
        if (seconds <= 0) {
            return;
        }
        float[] v = new float[Measure.COUNT];
        v[Measure.CPU_CORES.ordinal()] = rate(previous.cpuNanos(), reading.cpuNanos(), seconds * 1e9);
        v[Measure.MEMORY_BYTES.ordinal()] = reading.memoryBytes();
        v[Measure.NET_RX_PER_SECOND.ordinal()] = rate(previous.rxBytes(), reading.rxBytes(), seconds);
        v[Measure.NET_TX_PER_SECOND.ordinal()] = rate(previous.txBytes(), reading.txBytes(), seconds);
        v[Measure.BLOCK_READ_PER_SECOND.ordinal()] = rate(previous.readBytes(), reading.readBytes(), seconds);
        v[Measure.BLOCK_WRITE_PER_SECOND.ordinal()] = rate(previous.writeBytes(), reading.writeBytes(), seconds);
        Point point = new Point(round, v);
        latest = point;
        recent.add(point);
        if (hour == null) {
            // the first point since Berth started: go on with the hour's stored points, and count the stored point
            // of the five minutes under way as one reading of them
            hour = stored.apply(HourBlock.hourOf(round));
            if (hour != null) {
                hour.points().stream().filter(p -> p.at() == Math.floorDiv(round, HourBlock.STEP_SECONDS)
                        * HourBlock.STEP_SECONDS).forEach(fiveMinutes::add);
            }
        }
        fiveMinutes.add(point);
        Point sofar = fiveMinutes.current();
        long hourStart = HourBlock.hourOf(sofar.at());
        if (hour == null || hour.hourStart != hourStart) {
            if (hour != null && dirty) {
                unsaved.add(hour);
            }
            hour = new HourBlock(hourStart);
        }
        hour.set(sofar);
        dirty = true;
    }

    /** A counter that went down was reset (the engine replaced the container): no rate then. */
    private static float rate(long before, long after, double per) {
        return after < before ? 0f : (float) ((after - before) / per);
    }

    synchronized ServiceUsage lastReading() {
        return last;
    }

    synchronized Point latest() {
        return latest;
    }

    synchronized List<Point> recentSince(long from) {
        return recent.since(from);
    }

    synchronized long recentOldest() {
        return recent.oldest();
    }

    synchronized long recentNewest() {
        return recent.newest();
    }

    /** The five-minute points of the hour under way (not yet, or not fully, in the store). */
    synchronized HourBlock hour() {
        return hour;
    }

    /** The blocks changed since the last call, to be saved (the hour under way stays here as well). */
    synchronized List<HourBlock> takeUnsaved() {
        List<HourBlock> out = new ArrayList<>(unsaved);
        unsaved.clear();
        if (dirty && hour != null) {
            out.add(hour);
            dirty = false;
        }
        return out;
    }

    /** Nothing left to show from memory or to save: the service stopped more than an hour ago. */
    synchronized boolean stale(long now) {
        return unsaved.isEmpty() && !dirty && recent.newest() < now - 3600
                && (last == null || last.read().getEpochSecond() < now - 3600);
    }
}
