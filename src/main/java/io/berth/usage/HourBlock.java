package io.berth.usage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One hour of one service's five-minute points, as stored: {@link #SLOTS} slots of {@link Measure#COUNT} big-endian
 * floats, {@link #BYTES} bytes; a slot without data holds NaN. The slot's time is implied by its place, so a week
 * (168 blocks) of a service takes 48 KiB.
 */
final class HourBlock {
    static final int STEP_SECONDS = 300;
    static final int SLOTS = 3600 / STEP_SECONDS;
    static final int BYTES = SLOTS * Measure.COUNT * Float.BYTES;

    final long hourStart;
    private final float[] values = new float[SLOTS * Measure.COUNT];

    HourBlock(long hourStart) {
        this.hourStart = hourStart;
        Arrays.fill(values, Float.NaN);
    }

    static long hourOf(long epochSecond) {
        return Math.floorDiv(epochSecond, 3600) * 3600;
    }

    /** Puts a five-minute point (of this hour) in its slot. */
    void set(Point point) {
        int slot = (int) ((point.at() - hourStart) / STEP_SECONDS);
        if (slot >= 0 && slot < SLOTS) {
            System.arraycopy(point.values(), 0, values, slot * Measure.COUNT, Measure.COUNT);
        }
    }

    /** The points held, oldest first. */
    List<Point> points() {
        List<Point> out = new ArrayList<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            if (!Float.isNaN(values[slot * Measure.COUNT])) {
                out.add(new Point(hourStart + (long) slot * STEP_SECONDS,
                        Arrays.copyOfRange(values, slot * Measure.COUNT, (slot + 1) * Measure.COUNT)));
            }
        }
        return out;
    }

    byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(BYTES);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    /** A stored block; one of another length (written by a later Berth with more measures) reads as far as it fits. */
    static HourBlock decode(long hourStart, byte[] bytes) {
        HourBlock block = new HourBlock(hourStart);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int stored = bytes.length / (SLOTS * Float.BYTES);
        for (int slot = 0; slot < SLOTS; slot++) {
            for (int m = 0; m < stored; m++) {
                float v = buffer.getFloat();
                if (m < Measure.COUNT) {
                    block.values[slot * Measure.COUNT + m] = v;
                }
            }
        }
        return block;
    }
}
