package io.berth.backend.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Berth's own image (deploy/images/berth, built here from the local Debian base, no registry): it starts as a
 * non-root user, its Docker health check passes, and it is ready — which needs its database and the host's Docker
 * engine through the mounted socket.
 */
class BerthImageTest {

    @Test
    void the_image_starts_as_non_root_talks_to_docker_and_turns_healthy() throws Exception {
        TestDocker.ensureImages("berth");
        String run = "bi" + UUID.randomUUID().toString().substring(0, 6);
        String name = run + "-berth";
        String socketGroup = String.valueOf(Files.getAttribute(Path.of("/var/run/docker.sock"), "unix:gid"));
        try {
            TestDocker.run(List.of("docker", "run", "-d", "--rm", "--name", name, "--label", TestDocker.TEST_LABEL + "=" + run,
                    "-v", "/var/run/docker.sock:/var/run/docker.sock", "--group-add", socketGroup,
                    "-e", "BERTH_ADMIN_PASSWORD=image-test-42", "-e", "BERTH_DOCKER_NAME_PREFIX=" + run,
                    "-p", "127.0.0.1::8000", TestDocker.BERTH_IMAGE));
            Stacks.waitUntil(() -> TestDocker.inspect(name, "{{.State.Health.Status}}").equals("healthy")
                    || !TestDocker.inspect(name, "{{.State.Running}}").equals("true"), Duration.ofSeconds(90));
            assertThat(TestDocker.inspect(name, "{{.State.Health.Status}}"))
                    .as("health; log:\n" + TestDocker.run(List.of("docker", "logs", name))).isEqualTo("healthy");
            assertThat(TestDocker.run(List.of("docker", "exec", name, "id", "-u")).trim()).isEqualTo("990");
            assertThat(TestDocker.run(List.of("docker", "exec", name, "ls", "/var/lib/berth/data")))
                    .as("the database lies in the data volume").contains("berth.mv.db");

            String port = TestDocker.inspect(name, "{{(index (index .NetworkSettings.Ports \"8000/tcp\") 0).HostPort}}");
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("ready: store and Docker answer; " + ready.body()).isEqualTo(200);
            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/login")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.body()).contains("Log in to Berth"); // pages come from the jar
        } finally {
            TestDocker.run(List.of("docker", "rm", "-f", "-v", name)); // -v: its anonymous data volume too
            TestDocker.cleanUp(run);
        }
    }
}
