package io.berth.usage;

/** One usage point: when (seconds since the epoch, the start of its interval) and a value per {@link Measure}. */
public record Point(long at, float[] values) {
    public float get(Measure measure) {
        return values[measure.ordinal()];
    }
}
