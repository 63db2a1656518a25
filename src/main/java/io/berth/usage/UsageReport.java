package io.berth.usage;

import java.time.Instant;
import java.util.List;

/**
 * What a stack used, as the API answers it ({@code GET /api/v1/stacks/{owner}/{name}/usage}) and the stack page
 * shows it: per service the latest values and a series over {@code range}, and the size of the stack's volumes.
 */
public record UsageReport(String range, int stepSeconds, List<ServiceReport> services, List<VolumeReport> volumes) {

    /** One service: its latest values ({@code null} before its second reading) and its series, oldest first. */
    public record ServiceReport(String service, Current current, Series series) { }

    /**
     * The latest reading: {@code at} when the engine took it, CPU in cores (1.0 = one core busy), memory in use
     * (working set) and its limit, the byte rates since the reading before, and the totals since the container
     * started.
     */
    public record Current(Instant at, double cpuCores, long memoryBytes, long memoryLimitBytes,
                          double netRxBytesPerSecond, double netTxBytesPerSecond, double blockReadBytesPerSecond,
                          double blockWriteBytesPerSecond, long netRxBytes, long netTxBytes, long blockReadBytes,
                          long blockWriteBytes) {
        /** CPU as {@code docker stats} shows it: 100 per busy core. */
        public double cpuPercent() {
            return cpuCores * 100;
        }
    }

    /** Columns of equal length: {@code t} in seconds since the epoch (the start of each point's interval). */
    public record Series(List<Long> t, List<Float> cpuCores, List<Float> memoryBytes, List<Float> netRxBytesPerSecond,
                         List<Float> netTxBytesPerSecond, List<Float> blockReadBytesPerSecond,
                         List<Float> blockWriteBytesPerSecond) {
        static Series of(List<Point> points) {
            return new Series(points.stream().map(Point::at).toList(), column(points, Measure.CPU_CORES),
                    column(points, Measure.MEMORY_BYTES), column(points, Measure.NET_RX_PER_SECOND),
                    column(points, Measure.NET_TX_PER_SECOND), column(points, Measure.BLOCK_READ_PER_SECOND),
                    column(points, Measure.BLOCK_WRITE_PER_SECOND));
        }

        private static List<Float> column(List<Point> points, Measure measure) {
            return points.stream().map(p -> p.get(measure)).toList();
        }
    }

    /** A named volume of the stack ({@code shared}: every stack of the owner mounts it) and its size when measured. */
    public record VolumeReport(String volume, boolean shared, long bytes, Instant measuredAt) { }
}
