package io.berth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader();

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("berth.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void without_a_file_every_key_has_its_documented_default() {
        BerthConfig c = loader.load(null, Map.of());
        assertThat(c.server.port).isEqualTo(BerthConfig.Server.DEFAULT_PORT);
        assertThat(c.server.host).isEqualTo("127.0.0.1");
        assertThat(c.store.url).isEqualTo("jdbc:h2:file:./data/berth");
        assertThat(c.catalog.dir).isEqualTo("templates");
        assertThat(c.docker.host).isEqualTo("unix:///var/run/docker.sock");
    }

    @Test
    void the_file_sets_nested_snake_case_keys() throws IOException {
        BerthConfig c = loader.load(yaml("""
                server:
                  port: 9000
                docker:
                  name_prefix: lab
                  labels: {site: x}
                """), Map.of());
        assertThat(c.server.port).isEqualTo(9000);
        assertThat(c.docker.namePrefix).isEqualTo("lab");
        assertThat(c.docker.labels).containsEntry("site", "x");
        assertThat(c.server.host).isEqualTo("127.0.0.1");
    }

    @Test
    void environment_variables_override_the_file() throws IOException {
        BerthConfig c = loader.load(yaml("server: {port: 9000}\n"), Map.of(
                "BERTH_SERVER_PORT", "9100", "BERTH_DOCKER_NAME_PREFIX", "env", "BERTH_AUTH_SECURE_COOKIES", "true",
                "BERTH_ADMIN_PASSWORD", "not-a-key", "PATH", "/bin"));
        assertThat(c.server.port).isEqualTo(9100);
        assertThat(c.docker.namePrefix).isEqualTo("env");
        assertThat(c.auth.secureCookies).isTrue();
    }

    @Test
    void single_sign_on_reads_its_secret_from_the_environment_and_lists_from_commas() throws IOException {
        BerthConfig c = loader.load(yaml("""
                auth:
                  local: {enabled: false}
                  oidc:
                    issuer: https://sso.example.org/realms/hpc
                    allowed_groups: [lqcd]
                """), Map.of("BERTH_AUTH_OIDC_CLIENT_SECRET", "s3cret",
                "BERTH_AUTH_OIDC_ADMIN_GROUPS", "hpc-admins, berth-admins"));
        assertThat(c.auth.local.enabled).isFalse();
        assertThat(c.auth.oidc.issuer).isEqualTo("https://sso.example.org/realms/hpc");
        assertThat(c.auth.oidc.clientSecret).isEqualTo("s3cret");
        assertThat(c.auth.oidc.allowedGroups).containsExactly("lqcd");
        assertThat(c.auth.oidc.adminGroups).containsExactly("hpc-admins", "berth-admins");
        assertThat(c.auth.oidc.usernameClaim).isEqualTo("preferred_username");
    }

    @Test
    void an_unknown_key_is_refused_with_its_path() throws IOException {
        Path file = yaml("server:\n  prot: 9000\n");
        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key server.prot")
                .hasMessageContaining("port");
    }

    @Test
    void a_value_of_the_wrong_type_is_refused_with_the_key() throws IOException {
        Path file = yaml("server:\n  port: eighty\n");
        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.port")
                .hasMessageContaining("whole number");
    }

    @Test
    void a_bad_environment_value_is_refused_with_the_variable() {
        assertThatThrownBy(() -> loader.load(null, Map.of("BERTH_SERVER_PORT", "80a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("BERTH_SERVER_PORT");
        assertThatThrownBy(() -> loader.load(null, Map.of("BERTH_AUTH_SECURE_COOKIES", "yes")))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> loader.load(null, Map.of("BERTH_QUOTAS_USER_CPU", "lots")))
                .hasMessage("BERTH_QUOTAS_USER_CPU must be a number, not \"lots\"");
    }

    @Test
    void a_fractional_quota_comes_from_the_environment() {
        assertThat(loader.load(null, Map.of("BERTH_QUOTAS_USER_CPU", "2.5")).quotas.user.cpu).isEqualTo(2.5);
        assertThat(loader.load(null, Map.of("BERTH_QUOTAS_GROUP_CPU", "12")).quotas.group.cpu).isEqualTo(12.0);
    }

    @Test
    void broken_yaml_is_refused_with_the_line() throws IOException {
        Path file = yaml("server:\n  port: 1\n bad: [\n");
        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line");
    }

    @Test
    void a_missing_file_is_refused_by_name() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> loader.load(missing, Map.of())).hasMessageContaining("nope.yaml");
    }
}
