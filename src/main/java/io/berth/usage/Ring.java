package io.berth.usage;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest {@code capacity} points of one service, oldest overwritten first, in two flat arrays (no object per
 * point): 8 bytes of time and 4 per {@link Measure}, 32 bytes a point. Points are added in time order.
 */
final class Ring {
    private final long[] times;
    private final float[] values;
    private int next;
    private int size;

    Ring(int capacity) {
        times = new long[capacity];
        values = new float[capacity * Measure.COUNT];
    }

    synchronized void add(Point point) {
        times[next] = point.at();
        System.arraycopy(point.values(), 0, values, next * Measure.COUNT, Measure.COUNT);
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    /** The points at or after {@code from} (seconds since the epoch), oldest first. */
    synchronized List<Point> since(long from) {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int slot = (next - size + i + times.length) % times.length;
            if (times[slot] >= from) {
                float[] v = new float[Measure.COUNT];
                System.arraycopy(values, slot * Measure.COUNT, v, 0, Measure.COUNT);
                out.add(new Point(times[slot], v));
            }
        }
        return out;
    }

    /** The time of the oldest point held, or {@code Long.MAX_VALUE} when empty. */
    synchronized long oldest() {
        return size == 0 ? Long.MAX_VALUE : times[(next - size + times.length) % times.length];
    }

    /** The time of the newest point held, or {@code Long.MIN_VALUE} when empty. */
    synchronized long newest() {
        return size == 0 ? Long.MIN_VALUE : times[(next - 1 + times.length) % times.length];
    }

    int capacity() {
        return times.length;
    }
}
