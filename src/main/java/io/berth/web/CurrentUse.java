package io.berth.web;

import io.berth.usage.UsageReport;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What each stack uses now: the sum over its services of their latest readings ({@code UsageHistory.latest()}, which
 * holds only services read in the last few intervals, so a stopped stack has none). For the dashboard and
 * All stacks; a stack without readings shows {@link #NONE}.
 */
public final class CurrentUse {
    /** What a page shows for a stack with no current reading. */
    public static final String NONE = "—";

    /** A stack's services together. */
    public record Sum(double cpuCores, long memoryBytes) {
        Sum plus(UsageReport.Current c) {
            return new Sum(cpuCores + c.cpuCores(), memoryBytes + c.memoryBytes());
        }
    }

    private final Map<Long, Sum> byStack = new HashMap<>();
    private Sum total = new Sum(0, 0);

    /** @param latest stack id → service → latest values, as {@code UsageHistory.latest()} answers */
    public CurrentUse(Map<Long, Map<String, UsageReport.Current>> latest) {
        latest.forEach((stackId, services) -> services.values().forEach(c -> {
            byStack.merge(stackId, new Sum(0, 0).plus(c), (a, b) -> new Sum(a.cpuCores() + b.cpuCores(),
                    a.memoryBytes() + b.memoryBytes()));
            total = total.plus(c);
        }));
    }

    /** The stack's sum, or null when none of its services has a current reading. */
    public Sum of(long stackId) {
        return byStack.get(stackId);
    }

    /** Every running service read, together. */
    public Sum total() {
        return total;
    }

    /** The stack's CPU in cores ({@code 0.52 cores}), or {@link #NONE}. */
    public String cpu(long stackId) {
        Sum s = of(stackId);
        return s == null ? NONE : cores(s.cpuCores());
    }

    /** The stack's memory in binary units ({@code 100.2 MiB}), or {@link #NONE}. */
    public String memory(long stackId) {
        Sum s = of(stackId);
        return s == null ? NONE : UsageRows.bytes(s.memoryBytes());
    }

    static String cores(double cores) {
        return String.format(Locale.ROOT, "%.2f cores", cores);
    }
}
