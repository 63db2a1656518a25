package io.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code logging:} in berth.yaml: JSON lines for a log shipper, levels per package, and typos refused by name. */
class LogSetupTest {

    @Test
    void json_lines_with_levels_per_package_from_the_config() throws Exception {
        try (BerthInstance instance = new BerthInstance()) {
            BerthProcess berth = new BerthProcess(instance).withYaml("""
                    logging:
                      format: json
                      levels: {io.berth.App: warn, io.berth.store: info}
                    """).start();
            berth.kill();
            List<String> lines = berth.log().lines().filter(l -> !l.isBlank()).toList();
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> events = new java.util.ArrayList<>();
            for (String line : lines) {
                events.add(json.readTree(line)); // every line is one JSON object
            }
            assertThat(events).anySatisfy(e -> {
                assertThat(e.path("loggerName").asText()).isEqualTo("io.berth.store.Database");
                assertThat(e.path("level").asText()).isEqualTo("INFO");
                assertThat(e.path("formattedMessage").asText()).startsWith("database jdbc:h2:file:").contains("migrated");
                assertThat(e.path("timestamp").asLong()).isPositive();
            });
            assertThat(lines).as("io.berth.App at warn: no start-up line").noneMatch(l -> l.contains("Berth is serving"));
        }
    }

    @Test
    void a_bad_format_or_level_is_refused_naming_the_key() {
        BerthConfig.Logging logging = new BerthConfig.Logging();
        logging.format = "xml";
        assertThatThrownBy(() -> LogSetup.apply(logging)).isInstanceOf(ConfigException.class)
                .hasMessage("logging.format is \"xml\"; use text or json");
        logging.format = "text";
        logging.levels = Map.of("io.berth.proxy", "loud");
        assertThatThrownBy(() -> LogSetup.apply(logging)).isInstanceOf(ConfigException.class)
                .hasMessage("logging.levels.io.berth.proxy is \"loud\"; use one of trace, debug, info, warn, error, off");
    }
}
