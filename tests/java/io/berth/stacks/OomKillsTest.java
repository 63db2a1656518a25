package io.berth.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.model.StackEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history line of an out-of-memory kill, and the warnings read back from a stack's history. */
class OomKillsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T18:00:00Z");

    private static StackEvent event(long id, Duration ago, String message) {
        return new StackEvent(id, NOW.minus(ago), message);
    }

    @Test
    void a_kill_is_told_with_its_limit_in_binary_units() {
        assertThat(OomKills.message("mongo", 64L << 20)).isEqualTo("mongo killed: out of memory (limit 64 MiB)");
        assertThat(OomKills.message("web", 1536L << 20)).isEqualTo("web killed: out of memory (limit 1.5 GiB)");
        assertThat(OomKills.message("web", 0)).isEqualTo("web killed: out of memory (no limit of its own)");
    }

    @Test
    void the_warnings_count_each_services_kills_of_the_last_day_only() {
        List<OomKills.Recent> recent = OomKills.recent(List.of(
                event(1, Duration.ofHours(30), OomKills.message("mongo", 64L << 20)),
                event(2, Duration.ofHours(3), OomKills.message("mongo", 64L << 20)),
                event(3, Duration.ofHours(2), "Stack is READY"),
                event(4, Duration.ofHours(1), OomKills.message("mongo", 64L << 20)),
                event(5, Duration.ofMinutes(5), OomKills.message("web", 0)),
                event(6, Duration.ofMinutes(1), "Crash loop: service \"x\" " + OomKills.message("x", 1L << 20))),
                NOW);
        assertThat(recent).containsExactly(
                new OomKills.Recent("mongo", 2, NOW.minus(Duration.ofHours(1)), "limit 64 MiB"),
                new OomKills.Recent("web", 1, NOW.minus(Duration.ofMinutes(5)), "no limit of its own"));
    }
}
