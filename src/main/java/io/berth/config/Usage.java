package io.berth.config;

/**
 * Sampling what each stack really uses ({@code usage:} in berth.yaml): every running service container's CPU,
 * memory, network and block I/O every {@code interval_seconds}, volume sizes every {@code volume_interval_minutes}.
 * Each reading is one short engine call on a bounded pool; the history (one hour at the sampling interval, seven days
 * at five minutes) is kept as {@code usage/UsageHistory} describes.
 */
public final class Usage {
    public static final int DEFAULT_INTERVAL_SECONDS = 15;
    public static final int DEFAULT_VOLUME_INTERVAL_MINUTES = 10;
    public static final int MAX_INTERVAL_SECONDS = 300;

    /** Seconds between readings of every running service container (1 to 300; 0 turns sampling off). */
    public int intervalSeconds = DEFAULT_INTERVAL_SECONDS;
    /** Minutes between measurements of every named volume's size (the engine walks their files); 0: never. */
    public int volumeIntervalMinutes = DEFAULT_VOLUME_INTERVAL_MINUTES;
    /**
     * Whether {@code /metrics} has gauges per stack and service ({@code berth_service_cpu_cores},
     * {@code berth_service_memory_bytes}, {@code berth_volume_bytes}): two series per running service and one per
     * volume, so 1,000 stacks of two services with a volume each add about 5,000 series.
     */
    public boolean perStackMetrics = false;

    /** Throws a {@link ConfigException} naming the first key whose value cannot work. */
    public void check() {
        if (intervalSeconds < 0 || intervalSeconds > MAX_INTERVAL_SECONDS) {
            throw new ConfigException("usage.interval_seconds is " + intervalSeconds + "; use 1 to "
                    + MAX_INTERVAL_SECONDS + " (or 0 to turn sampling off)");
        }
        if (volumeIntervalMinutes < 0 || volumeIntervalMinutes > 24 * 60) {
            throw new ConfigException("usage.volume_interval_minutes is " + volumeIntervalMinutes
                    + "; use 1 to 1440 (or 0 to never measure volumes)");
        }
    }
}
