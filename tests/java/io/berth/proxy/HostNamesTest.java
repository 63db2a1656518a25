package io.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.config.Proxy;
import io.berth.model.OwnerKind;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Host names of services: a site stack's read "site", and nobody else's can. */
class HostNamesTest {
    private static final long SITE_ID = 7;
    private static final long PERSON_NAMED_SITE = 42;
    private final HostNames hosts = new HostNames(new BerthConfig.Server(), new Proxy(), () -> 8000,
            id -> Optional.ofNullable(Map.of(SITE_ID, OwnerKind.SITE_ACCOUNT, PERSON_NAMED_SITE, "site").get(id)));

    @Test
    void a_site_stack_s_service_is_named_for_the_site() {
        assertThat(HostNames.label(OwnerKind.SITE_ACCOUNT, SITE_ID, "docs", "web")).isEqualTo("web--docs--site");
        assertThat(hosts.parse("web--docs--site.localhost"))
                .hasValue(new HostNames.Key(OwnerKind.SITE_ACCOUNT, "docs", "web", "web--docs--site"));
    }

    @Test
    void a_person_named_site_is_written_by_number_and_cannot_take_the_site_s_host() {
        assertThat(HostNames.label("site", PERSON_NAMED_SITE, "docs", "web")).isEqualTo("web--docs---id42");
        assertThat(hosts.parse("web--docs---id42.localhost"))
                .hasValue(new HostNames.Key("site", "docs", "web", "web--docs---id42"));
        assertThat(hosts.parse("web--docs--site.localhost").orElseThrow().owner()).isEqualTo(OwnerKind.SITE_ACCOUNT);
    }

    @Test
    void the_site_account_s_escaped_name_is_not_a_second_spelling() {
        assertThat(hosts.parse("web--docs---5fsite.localhost")).isEmpty();
    }
}
