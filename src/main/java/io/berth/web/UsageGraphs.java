package io.berth.web;

import io.berth.usage.UsageHistory.Range;
import io.berth.usage.UsageReport;
import io.berth.web.UsageCharts.Chart;
import io.berth.web.UsageCharts.Series;
import io.berth.web.UsageCharts.Unit;
import java.util.Arrays;
import java.util.List;

/**
 * The stack page's usage graphs over one {@link Range} (chosen with {@code ?usage=1h|24h|7d}, plain links, so the
 * switch works without script): per service its CPU, its memory with the container's limit as a line, and its
 * network in and out. Volume sizes have no graph: Berth keeps only their latest measurement (the table shows it).
 */
public record UsageGraphs(List<RangeLink> ranges, List<ServiceGraphs> services) {

    /** A link of the range switch; {@code current} for the range shown. */
    public record RangeLink(String key, String label, boolean current) { }

    public record ServiceGraphs(String service, Chart cpu, Chart memory, Chart network) { }

    /** The range a page asked for with {@code ?usage=}; the last hour when it asked for none or for no known one. */
    static Range range(String asked) {
        return asked == null ? Range.HOUR : Range.of(asked).orElse(Range.HOUR);
    }

    /** Draws {@code report} (over {@code range}) as it stands at {@code now}, seconds since the epoch. */
    static UsageGraphs of(UsageReport report, Range range, long now) {
        List<RangeLink> links = Arrays.stream(Range.values())
                .map(r -> new RangeLink(r.key, label(r), r == range)).toList();
        long from = now - range.seconds;
        // more than three steps without a reading: the service was not running, or Berth was not
        long gap = 3L * report.stepSeconds();
        String since = label(range) + " ago";
        List<ServiceGraphs> services = report.services().stream().map(s -> {
            UsageReport.Series series = s.series();
            double limit = s.current() == null ? 0 : s.current().memoryLimitBytes();
            return new ServiceGraphs(s.service(),
                    UsageCharts.draw("CPU", Unit.CORES, from, now, series.t(),
                            List.of(new Series("cpu", series.cpuCores())), 0, since, gap),
                    UsageCharts.draw("Memory", Unit.BYTES, from, now, series.t(),
                            List.of(new Series("memory", series.memoryBytes())), limit, since, gap),
                    UsageCharts.draw("Network", Unit.BYTES_PER_SECOND, from, now, series.t(),
                            List.of(new Series("in", series.netRxBytesPerSecond()),
                                    new Series("out", series.netTxBytesPerSecond())), 0, since, gap));
        }).toList();
        return new UsageGraphs(links, services);
    }

    private static String label(Range range) {
        return switch (range) {
            case HOUR -> "1 hour";
            case DAY -> "24 hours";
            case WEEK -> "7 days";
        };
    }
}
