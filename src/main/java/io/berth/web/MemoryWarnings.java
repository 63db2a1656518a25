package io.berth.web;

import io.berth.model.Bytes;
import io.berth.model.StackEvent;
import io.berth.stacks.OomKills;
import io.berth.usage.NearLimit;
import io.berth.usage.UsageReport;
import java.time.Instant;
import java.util.List;

/**
 * The stack page's memory warnings, one sentence each: services the kernel killed for running out of memory in the
 * last {@link OomKills#RECENT} (read from the stack's history), and, for a running stack, services whose latest
 * reading is near their limit ({@link NearLimit}).
 */
public record MemoryWarnings(List<Warning> killed, List<Warning> nearLimit) {

    /** One sentence about one service ({@code service} marks its element on the page). */
    public record Warning(String service, String text) { }

    static MemoryWarnings of(List<StackEvent> history, UsageReport usage, boolean running, Instant now) {
        List<Warning> killed = OomKills.recent(history, now).stream().map(k -> new Warning(k.service(),
                k.service() + " was killed: out of memory (" + k.limit() + ")"
                        + (k.times() == 1 ? "" : ", " + k.times() + " times") + " in the last "
                        + OomKills.RECENT.toHours() + " hours, last at " + k.last() + ". What it held in memory is"
                        + " lost; if it keeps happening, give it less work or ask an admin for a larger limit."))
                .toList();
        List<Warning> near = !running ? List.of() : NearLimit.of(usage).stream().map(n -> new Warning(n.service(),
                n.service() + " uses " + Bytes.binary(n.usedBytes()) + " of its " + Bytes.binary(n.limitBytes())
                        + " limit: near the point where the kernel kills it.")).toList();
        return new MemoryWarnings(killed, near);
    }

    public boolean isEmpty() {
        return killed.isEmpty() && nearLimit.isEmpty();
    }
}
