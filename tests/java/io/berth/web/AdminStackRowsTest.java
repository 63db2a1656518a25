package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.backend.VolumeUsage;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.usage.UsageReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** All stacks' rows: what each stack uses now, summed over its services, how long it idles, and the sorts. */
class AdminStackRowsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final long MIB = 1024 * 1024;

    private static Stack stack(long id, String name, StackState state, Instant created, Instant updated) {
        return new Stack(id, 1, "alice", name, "demo", state, null, created, updated);
    }

    private static UsageReport.Current reading(double cores, long memory) {
        return new UsageReport.Current(NOW, cores, memory, 512 * MIB, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private final List<Stack> stacks = List.of(
            stack(1, "quiet", StackState.READY, NOW.minusSeconds(86_400), NOW.minusSeconds(7200)),
            stack(2, "busy", StackState.READY, NOW.minusSeconds(600), NOW.minusSeconds(600)),
            stack(3, "stopped", StackState.STOPPED, NOW.minusSeconds(3 * 86_400), NOW.minusSeconds(60)));
    private final CurrentUse current = new CurrentUse(Map.of(
            1L, Map.of("web", reading(0.01, 10 * MIB)),
            2L, Map.of("web", reading(0.5, 20 * MIB), "db", reading(0.25, 100 * MIB))));
    private final List<VolumeUsage> volumes = List.of(new VolumeUsage("alice", "quiet", "data", 50 * MIB),
            new VolumeUsage("alice", "quiet", "cache", 10 * MIB), new VolumeUsage("alice", null, "home", 900 * MIB),
            new VolumeUsage("alice", "stopped", "data", 5 * MIB));

    private List<String> names(Optional<AdminStackRows.Sort> sort) {
        return rows(sort).stream().map(r -> r.stack().name()).toList();
    }

    private List<AdminStackRows.Row> rows(Optional<AdminStackRows.Sort> sort) {
        return AdminStackRows.of(new AdminStackRows.Inputs(stacks, Map.of(), current, volumes,
                Map.of(2L, NOW.minusSeconds(30)), NOW), sort);
    }

    @Test
    void a_stack_shows_its_services_together_its_own_volumes_and_dashes_without_readings() {
        AdminStackRows.Row busy = rows(Optional.empty()).get(1);
        assertThat(busy.cpuNow()).isEqualTo("0.75 cores");
        assertThat(busy.memoryNow()).isEqualTo("120 MiB");
        assertThat(busy.disk()).isEqualTo(CurrentUse.NONE);
        AdminStackRows.Row quiet = rows(Optional.empty()).get(0);
        assertThat(quiet.disk()).as("its two volumes; the owner's shared one is no stack's").isEqualTo("60 MiB");
        AdminStackRows.Row stopped = rows(Optional.empty()).get(2);
        assertThat(stopped.cpuNow()).isEqualTo("—");
        assertThat(stopped.memoryNow()).isEqualTo("—");
        assertThat(current.total().cpuCores()).isCloseTo(0.76, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(current.total().memoryBytes()).isEqualTo(130 * MIB);
    }

    @Test
    void idle_counts_from_the_last_traffic_or_the_last_start_and_for_a_stack_not_running_from_its_launch() {
        List<AdminStackRows.Row> rows = rows(Optional.empty());
        assertThat(rows).extracting(AdminStackRows.Row::idle).containsExactly("2 h 0 min", "30 s", "3 d 0 h");
    }

    @Test
    void sorting_puts_the_most_first_and_stacks_without_a_reading_last() {
        assertThat(names(Optional.empty())).containsExactly("quiet", "busy", "stopped");
        assertThat(names(AdminStackRows.Sort.of("cpu"))).containsExactly("busy", "quiet", "stopped");
        assertThat(names(AdminStackRows.Sort.of("memory"))).containsExactly("busy", "quiet", "stopped");
        assertThat(names(AdminStackRows.Sort.of("disk"))).containsExactly("quiet", "stopped", "busy");
        assertThat(names(AdminStackRows.Sort.of("idle"))).containsExactly("stopped", "quiet", "busy");
        assertThat(AdminStackRows.Sort.of("name")).isEmpty();
        assertThat(AdminStackRows.Sort.of(null)).isEmpty();
    }

    @Test
    void durations_read_in_their_two_largest_units() {
        assertThat(AdminStackRows.duration(0)).isEqualTo("0 s");
        assertThat(AdminStackRows.duration(59)).isEqualTo("59 s");
        assertThat(AdminStackRows.duration(61)).isEqualTo("1 min");
        assertThat(AdminStackRows.duration(3 * 3600 + 5 * 60)).isEqualTo("3 h 5 min");
        assertThat(AdminStackRows.duration(2 * 86_400 + 4 * 3600 + 59)).isEqualTo("2 d 4 h");
    }
}
