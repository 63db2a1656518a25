package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.model.StackEvent;
import io.berth.usage.UsageReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stack page's memory warnings: near the limit from the latest reading, killed from the history. */
class MemoryWarningsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T18:00:00Z");
    private static final long MIB = 1L << 20;

    private static UsageReport.ServiceReport service(String name, long used, long limit) {
        return new UsageReport.ServiceReport(name, new UsageReport.Current(NOW, 0, used, limit, 0, 0, 0, 0, 0, 0, 0, 0),
                null);
    }

    private static UsageReport report(UsageReport.ServiceReport... services) {
        return new UsageReport("1h", 15, List.of(services), List.of());
    }

    @Test
    void a_service_at_ninety_percent_of_its_limit_is_warned_about_and_one_below_is_not() {
        long ninety = (long) Math.ceil(0.9 * 64 * MIB);
        MemoryWarnings w = MemoryWarnings.of(List.of(), report(service("mongo", ninety, 64 * MIB),
                service("web", ninety - 1, 64 * MIB), new UsageReport.ServiceReport("new", null, null)), true, NOW);
        assertThat(w.nearLimit()).extracting(MemoryWarnings.Warning::text)
                .containsExactly("mongo uses 57.6 MiB of its 64 MiB limit: near the point where the kernel kills it.");
        assertThat(w.killed()).isEmpty();
        assertThat(MemoryWarnings.of(List.of(), report(service("mongo", 64 * MIB, 64 * MIB)), false, NOW).isEmpty())
                .as("a stack that does not run has no current use").isTrue();
    }

    @Test
    void a_kill_of_the_last_day_is_warned_about_with_how_often_and_when() {
        List<StackEvent> history = List.of(
                new StackEvent(1, NOW.minusSeconds(600), "mongo killed: out of memory (limit 64 MiB)"),
                new StackEvent(2, NOW.minusSeconds(60), "mongo killed: out of memory (limit 64 MiB)"));
        MemoryWarnings w = MemoryWarnings.of(history, report(), true, NOW);
        assertThat(w.killed()).extracting(MemoryWarnings.Warning::text).containsExactly("mongo was killed: out of memory"
                + " (limit 64 MiB), 2 times in the last 24 hours, last at 2026-12-03T17:59:00Z. What it held in memory"
                + " is lost; if it keeps happening, give it less work or ask an admin for a larger limit.");
    }
}
