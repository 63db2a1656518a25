package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.auth.oidc.OidcSettings;
import io.berth.config.ConfigException;
import io.berth.config.Oidc;
import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every {@code auth.oidc.*} value that cannot work stops Berth at start, naming the key, instead of 500s later. */
class OidcSettingsTest {
    @Test
    void a_negative_clock_skew_stops_berth_with_exit_2_naming_the_key() throws Exception {
        try (BerthInstance instance = new BerthInstance()) {
            BerthProcess berth = new BerthProcess(instance).withYaml("""
                    auth:
                      oidc: {issuer: "http://127.0.0.1:9/realms/berth", client_secret: x, clock_skew_seconds: -400}
                    """);
            assertThatThrownBy(berth::start).hasMessageContaining("Berth exited with 2")
                    .hasMessageContaining("auth.oidc.clock_skew_seconds is -400").hasMessageNotContaining("Exception");
        }
    }

    @Test
    void each_value_that_cannot_work_is_refused_with_its_key() {
        List<Case> cases = List.of(
                new Case("auth.oidc.issuer", c -> c.issuer = "ftp://sso.example.org/realms/x"),
                new Case("auth.oidc.issuer", c -> c.issuer = "https://sso.example.org/realms/x?x=1"),
                new Case("auth.oidc.client_id", c -> c.clientId = " "),
                new Case("auth.oidc.scopes", c -> c.scopes = "profile email"),
                new Case("auth.oidc.username_claim", c -> c.usernameClaim = "preferred username"),
                new Case("auth.oidc.groups_claim", c -> c.groupsClaim = ""),
                new Case("auth.oidc.clock_skew_seconds", c -> c.clockSkewSeconds = 3601),
                new Case("auth.oidc.display_name", c -> c.displayName = ""),
                new Case("auth.oidc.allowed_groups", c -> c.allowedGroups = List.of("lqcd", " ")));
        for (Case bad : cases) {
            Oidc c = valid();
            bad.change.accept(c);
            assertThatThrownBy(() -> OidcSettings.check(c)).as(bad.key).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(bad.key);
        }
        OidcSettings.check(valid()); // and the valid one passes
        Oidc off = new Oidc();
        off.clockSkewSeconds = -1;
        OidcSettings.check(off); // single sign-on off: nothing to check
        assertThat(off.issuer).isEmpty();
    }

    private record Case(String key, Consumer<Oidc> change) { }

    private static Oidc valid() {
        Oidc c = new Oidc();
        c.issuer = "https://sso.example.org/realms/hpc";
        return c;
    }
}
