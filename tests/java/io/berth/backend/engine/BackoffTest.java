package io.berth.backend.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void waits_start_at_50_ms_and_double_up_to_one_second() {
        Backoff backoff = new Backoff();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waits.add(backoff.nextMillis());
        }
        assertThat(waits).containsExactly(50L, 100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
    }

    @Test
    void after_a_refused_connection_the_wait_is_at_most_200_ms() {
        Backoff backoff = new Backoff();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(backoff.nextMillis(true));
        }
        assertThat(waits).containsExactly(50L, 100L, 200L, 200L, 200L, 200L);
        assertThat(backoff.nextMillis(false)).isEqualTo(1000L);
    }
}
