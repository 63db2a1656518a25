package io.berth.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code usage.*}: the defaults work, values that cannot are refused naming their key. */
class UsageConfigTest {

    @Test
    void the_defaults_pass_and_zero_turns_sampling_off() {
        assertThatCode(() -> new Usage().check()).doesNotThrowAnyException();
        Usage off = new Usage();
        off.intervalSeconds = 0;
        off.volumeIntervalMinutes = 0;
        assertThatCode(off::check).doesNotThrowAnyException();
    }

    @Test
    void an_interval_out_of_range_names_its_key() {
        Usage usage = new Usage();
        usage.intervalSeconds = 3600;
        assertThatThrownBy(usage::check).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("usage.interval_seconds is 3600");
        usage.intervalSeconds = 15;
        usage.volumeIntervalMinutes = -1;
        assertThatThrownBy(usage::check).hasMessageStartingWith("usage.volume_interval_minutes is -1");
    }
}
