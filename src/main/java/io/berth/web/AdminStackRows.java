package io.berth.web;

import io.berth.backend.VolumeUsage;
import io.berth.model.Amounts;
import io.berth.model.Stack;
import io.berth.model.StackState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of All stacks: what each stack took when it started (containers, CPU, memory), what it uses now (CPU and
 * memory of its services' latest readings, the bytes of its own volumes), and how long it has been idle; sorted by
 * one of these on the server ({@code ?sort=cpu|memory|disk|idle}: the most first, the longest idle first).
 *
 * <p>Idle is the time since the later of the stack's last traffic through the proxy and, for a running stack, its
 * last start (as the culler counts it: a stack just started is not idle); a stack not running with no traffic ever
 * counts from its launch. Disk counts the stack's own volumes; a volume all of an owner's stacks share belongs to
 * none of them.
 */
public final class AdminStackRows {
    /** One stack's row; the numbers are what the sort compares ({@code -1}: no reading). */
    public record Row(Stack stack, String containers, String cpu, String memory, String cpuNow, String memoryNow,
                      String disk, String idle, double cpuCores, long memoryBytes, long diskBytes, long idleSeconds) { }

    /** The columns All stacks sorts by, named as in {@code ?sort=}. */
    public enum Sort {
        CPU("cpu", Comparator.comparingDouble(Row::cpuCores).reversed()),
        MEMORY("memory", Comparator.comparingLong(Row::memoryBytes).reversed()),
        DISK("disk", Comparator.comparingLong(Row::diskBytes).reversed()),
        IDLE("idle", Comparator.comparingLong(Row::idleSeconds).reversed());

        public final String key;
        private final Comparator<Row> order;

        Sort(String key, Comparator<Row> order) {
            this.key = key;
            this.order = order;
        }

        /** The sort {@code ?sort=} names, or empty (the store's order) for none or an unknown one. */
        public static Optional<Sort> of(String key) {
            for (Sort s : values()) {
                if (s.key.equals(key)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /** What the rows are made of, all read at once by the page. */
    public record Inputs(List<Stack> stacks, Map<Long, Amounts> takes, CurrentUse current,
                         Collection<VolumeUsage> volumes, Map<Long, Instant> lastTraffic, Instant now) { }

    private AdminStackRows() { }

    /** The rows of {@code in.stacks()}, sorted by {@code sort} (stable: equal ones keep the store's order). */
    public static List<Row> of(Inputs in, Optional<Sort> sort) {
        Map<String, Long> disk = new HashMap<>();
        for (VolumeUsage v : in.volumes()) {
            if (v.stack() != null) {
                disk.merge(v.owner() + "/" + v.stack(), v.bytes(), Long::sum);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Stack s : in.stacks()) {
            Amounts a = in.takes().getOrDefault(s.id(), Amounts.NONE);
            CurrentUse.Sum now = in.current().of(s.id());
            Long bytes = disk.get(s.owner() + "/" + s.name());
            long idle = idleSeconds(s, in.lastTraffic().get(s.id()), in.now());
            rows.add(new Row(s, String.valueOf(a.containers()), Amounts.cpu(a.cpuMillis()),
                    Amounts.memory(a.memoryBytes()), in.current().cpu(s.id()), in.current().memory(s.id()),
                    bytes == null ? CurrentUse.NONE : UsageRows.bytes(bytes), duration(idle),
                    now == null ? -1 : now.cpuCores(), now == null ? -1 : now.memoryBytes(),
                    bytes == null ? -1 : bytes, idle));
        }
        sort.ifPresent(s -> rows.sort(s.order));
        return rows;
    }

    static long idleSeconds(Stack stack, Instant lastTraffic, Instant now) {
        Instant since = stack.state() == StackState.READY ? stack.updatedAt() : stack.createdAt();
        if (lastTraffic != null && lastTraffic.isAfter(since)) {
            since = lastTraffic;
        }
        return Math.max(0, Duration.between(since, now).toSeconds());
    }

    /** A duration in its two largest units: {@code 45 s}, {@code 12 min}, {@code 3 h 5 min}, {@code 2 d 4 h}. */
    static String duration(long seconds) {
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        if (d > 0) {
            return String.format(Locale.ROOT, "%d d %d h", d, h);
        }
        if (h > 0) {
            return String.format(Locale.ROOT, "%d h %d min", h, m);
        }
        return m > 0 ? m + " min" : seconds + " s";
    }
}
