package io.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.testing.BerthInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code identity.*} values that cannot work stop Berth at start, naming the key. */
class IdentityConfigTest {
    @TempDir
    Path dir;

    @Test
    void the_defaults_pass_and_the_file_sets_every_key() throws IOException {
        new Identity().check();
        Path file = dir.resolve("berth.yaml");
        Files.writeString(file, """
                identity:
                  user_header: Remote-User
                  groups_header: Remote-Groups
                  email_header: Remote-Email
                  assertion_header: X-Identity-Jwt
                  assertion_seconds: 60
                  key_rotation_hours: 6
                """);
        Identity identity = new ConfigLoader().load(file, Map.of("BERTH_IDENTITY_ASSERTION_SECONDS", "120")).identity;
        identity.check();
        assertThat(List.of(identity.userHeader, identity.groupsHeader, identity.emailHeader, identity.assertionHeader))
                .containsExactly("Remote-User", "Remote-Groups", "Remote-Email", "X-Identity-Jwt");
        assertThat(identity.assertionSeconds).isEqualTo(120);
        assertThat(identity.keyRotationHours).isEqualTo(6);
    }

    @Test
    void each_value_that_cannot_work_is_refused_with_its_key() {
        List<Case> cases = List.of(
                new Case("identity.user_header", c -> c.userHeader = "X Forwarded User"),
                new Case("identity.user_header", c -> c.userHeader = ""),
                new Case("identity.groups_header", c -> c.groupsHeader = "X-Groups:"),
                new Case("identity.email_header", c -> c.emailHeader = "x-forwarded-for"),
                new Case("identity.assertion_header", c -> c.assertionHeader = "Authorization"),
                new Case("identity.user_header", c -> c.userHeader = "Connection"),
                new Case("identity.user_header", c -> c.userHeader = "Cookie"),
                new Case("identity.groups_header", c -> c.groupsHeader = "X-Forwarded-Prefix"),
                new Case("identity.assertion_header", c -> c.assertionHeader = "x-forwarded-user"),
                new Case("identity.assertion_seconds", c -> c.assertionSeconds = 301),
                new Case("identity.assertion_seconds", c -> c.assertionSeconds = 29),
                new Case("identity.key_rotation_hours", c -> c.keyRotationHours = 0));
        for (Case bad : cases) {
            Identity c = new Identity();
            bad.change.accept(c);
            assertThatThrownBy(c::check).as(bad.key).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(bad.key);
        }
    }

    @Test
    void a_bad_value_stops_berth_before_it_opens_the_database() throws IOException {
        try (BerthInstance instance = new BerthInstance()) {
            BerthConfig config = instance.config();
            config.identity.assertionSeconds = 3600;
            assertThatThrownBy(() -> instance.startOnLoopback(config, 9)).isInstanceOf(ConfigException.class)
                    .hasMessage("identity.assertion_seconds is 3600; use 30 to 300");
            assertThat(instance.home.resolve("data")).doesNotExist();
        }
    }

    private record Case(String key, Consumer<Identity> change) { }
}
