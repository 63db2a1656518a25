package io.berth.backend.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/compose.yaml (Berth with a Keycloak, for a demo) as docker-compose reads it, with the variables of
 * deploy/compose/.env.example: it validates, Berth runs on the host's network with the Docker socket, a required
 * variable left out stops it with its name, and every placeholder of the realm it imports is given to Keycloak. Cheap:
 * {@code docker-compose config} starts nothing. The whole setup was tried by hand (images, up, sign-in as demo).
 */
class ComposeFileTest {
    private static final Path COMPOSE = Path.of("deploy/compose.yaml");
    private static final Path ENV_EXAMPLE = Path.of("deploy/compose/.env.example");
    private static final Path REALM = Path.of("deploy/keycloak/berth-realm.json");

    @Test
    void the_compose_file_validates_and_berth_runs_on_the_host_network_with_the_docker_socket() {
        Result config = compose(ENV_EXAMPLE, "config");
        assertThat(config.code).as("docker-compose config:\n" + config.out).isZero();
        Map<String, Object> services = map(map(new Yaml().load(config.out)).get("services"));
        assertThat(services).containsKeys("berth", "keycloak");

        Map<String, Object> berth = map(services.get("berth"));
        assertThat(berth.get("image")).isEqualTo("berth/berth:dev");
        assertThat(berth.get("network_mode")).as("Berth's proxy reaches the stacks' networks").isEqualTo("host");
        assertThat(berth).as("on the host's network nothing is published").doesNotContainKey("ports");
        assertThat(binds(berth)).contains("/var/run/docker.sock:/var/run/docker.sock", "/etc/berth/berth.yaml");
        assertThat(String.valueOf(berth.get("group_add"))).as("the socket's group, from DOCKER_GID").contains("999");
        assertThat(String.valueOf(berth.get("depends_on"))).contains("keycloak", "service_healthy");

        Map<String, Object> keycloak = map(services.get("keycloak"));
        assertThat(String.valueOf(keycloak.get("command"))).contains("start-dev", "--import-realm");
        assertThat(binds(keycloak)).contains("/opt/keycloak/data/import/berth-realm.json");
        assertThat(String.valueOf(keycloak.get("ports"))).as("published on loopback only").contains("127.0.0.1");
        assertThat(String.valueOf(map(services.get("postgres")).get("profiles"))).as("PostgreSQL only with --profile postgres")
                .isEqualTo("[postgres]");
        assertThat(String.valueOf(map(berth.get("environment")).get("BERTH_STORE_URL"))).startsWith("jdbc:h2:file:");
    }

    @Test
    void the_postgres_profile_adds_a_database_that_berth_uses() throws IOException {
        Path env = Files.createTempFile("berth-compose-", ".env");
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(ENV_EXAMPLE));
            lines.add("POSTGRES_PASSWORD=pg-secret-1");
            lines.add("BERTH_STORE_URL=jdbc:postgresql://127.0.0.1:5432/berth");
            Files.write(env, lines);
            Result config = compose(env, "--profile", "postgres", "config");
            assertThat(config.code).as(config.out).isZero();
            Map<String, Object> services = map(map(new Yaml().load(config.out)).get("services"));
            Map<String, Object> postgres = map(services.get("postgres"));
            assertThat(postgres.get("image")).isEqualTo("berth/postgres:15");
            assertThat(binds(postgres)).contains("/var/lib/postgresql/data");
            assertThat(String.valueOf(postgres.get("ports"))).as("published on loopback only").contains("127.0.0.1");
            Map<String, Object> berthEnv = map(map(services.get("berth")).get("environment"));
            assertThat(berthEnv.get("BERTH_STORE_URL")).isEqualTo("jdbc:postgresql://127.0.0.1:5432/berth");
            assertThat(berthEnv.get("BERTH_STORE_PASSWORD")).isEqualTo("pg-secret-1");
        } finally {
            Files.deleteIfExists(env);
        }
    }

    @Test
    void a_required_variable_left_out_stops_compose_with_its_name() throws IOException {
        Path env = Files.createTempFile("berth-compose-", ".env");
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(ENV_EXAMPLE));
            lines.removeIf(line -> line.startsWith("BERTH_OIDC_CLIENT_SECRET="));
            Files.write(env, lines);
            Result config = compose(env, "config");
            assertThat(config.code).as(config.out).isNotZero();
            assertThat(config.out).contains("BERTH_OIDC_CLIENT_SECRET");
        } finally {
            Files.deleteIfExists(env);
        }
    }

    @Test
    void every_placeholder_of_the_realm_is_in_keycloaks_environment_and_the_example_env() throws IOException {
        String realm = Files.readString(REALM);
        TreeSet<String> placeholders = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(realm);
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        assertThat(placeholders).contains("BERTH_OIDC_CLIENT_SECRET", "BERTH_PUBLIC_URL", "BERTH_DEMO_PASSWORD",
                "BERTH_DEMO_ADMIN_PASSWORD");
        Result config = compose(ENV_EXAMPLE, "config");
        assertThat(config.code).as(config.out).isZero();
        Map<String, Object> keycloak = map(map(map(new Yaml().load(config.out)).get("services")).get("keycloak"));
        assertThat(map(keycloak.get("environment"))).containsKeys(placeholders.toArray(String[]::new));
        String example = Files.readString(ENV_EXAMPLE);
        for (String name : placeholders) {
            assertThat(example).as("deploy/compose/.env.example lists " + name).containsPattern("(?m)^#?" + name + "=");
        }
    }

    /** The volumes of a service, one "source:target…" a line, from compose v1's short or v2's long syntax. */
    private static String binds(Map<String, Object> service) {
        List<String> out = new ArrayList<>();
        for (Object v : (List<?>) service.getOrDefault("volumes", List.of())) {
            out.add(v instanceof Map<?, ?> longSyntax ? longSyntax.get("source") + ":" + longSyntax.get("target")
                    : String.valueOf(v));
        }
        return String.join("\n", out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    private record Result(int code, String out) { }

    private static Result compose(Path envFile, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker-compose", "-f", COMPOSE.toString(), "--env-file",
                envFile.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // only the env file speaks: the caller's environment must not fill in (or spoil) a variable
        pb.environment().keySet().removeIf(k -> k.startsWith("BERTH_") || k.startsWith("KEYCLOAK_")
                || k.startsWith("COMPOSE_") || k.startsWith("POSTGRES_") || k.equals("DOCKER_GID"));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return fail("docker-compose is missing (" + e.getMessage() + "): deploy/prepare-host.sh --test installs it",
                    e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fail("docker-compose " + String.join(" ", args) + " did not finish in 60 s:\n" + out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
