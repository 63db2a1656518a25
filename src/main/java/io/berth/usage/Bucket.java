package io.berth.usage;

/**
 * Folds fine points into one coarse point of {@code seconds} (five minutes): the mean of each {@link Measure}, the
 * highest for those that keep their peak. {@link #add} answers the finished point when a point of a later interval
 * arrives; {@link #current} is the interval so far.
 */
final class Bucket {
    private final int seconds;
    private long start = Long.MIN_VALUE;
    private int count;
    private final double[] sums = new double[Measure.COUNT];
    private final float[] peaks = new float[Measure.COUNT];

    Bucket(int seconds) {
        this.seconds = seconds;
    }

    /** Adds a point; returns the previous interval's point when this one starts a new interval, else null. */
    Point add(Point point) {
        long bucket = Math.floorDiv(point.at(), seconds) * seconds;
        Point finished = null;
        if (bucket != start) {
            finished = current();
            start = bucket;
            count = 0;
            java.util.Arrays.fill(sums, 0);
            java.util.Arrays.fill(peaks, Float.NEGATIVE_INFINITY);
        }
        count++;
        for (int m = 0; m < Measure.COUNT; m++) {
            sums[m] += point.values()[m];
            peaks[m] = Math.max(peaks[m], point.values()[m]);
        }
        return finished;
    }

    /** The interval so far as one point (at its start), or null before the first point. */
    Point current() {
        if (count == 0) {
            return null;
        }
        float[] v = new float[Measure.COUNT];
        for (Measure m : Measure.values()) {
            v[m.ordinal()] = m.peak() ? peaks[m.ordinal()] : (float) (sums[m.ordinal()] / count);
        }
        return new Point(start, v);
    }
}
