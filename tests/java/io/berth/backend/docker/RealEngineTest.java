package io.berth.backend.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.berth.backend.docker.DockerCli.docker;
import static io.berth.backend.docker.DockerCli.exists;
import static io.berth.backend.docker.DockerCli.inspect;

import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.ObjectNames;
import io.berth.backend.ServiceStatus;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.Health;
import io.berth.backend.StackSpec.Mount;
import io.berth.backend.StackSpec.Resources;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.StackSpec.VolumeScope;
import io.berth.config.BerthConfig;
import com.fasterxml.jackson.databind.JsonNode;
import io.berth.model.StackRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the backend against the real Docker engine with the tiny busybox demo image. Every object carries
 * {@code berth.test=<tag>} (through {@code docker.labels}) and the prefix {@code <tag>}, so clean-up finds exactly
 * this run's containers, networks and volumes even when a test fails, and nothing else on a shared engine is touched.
 * Ports are published on 127.0.0.1 only.
 */
abstract class RealEngineTest {
    static final String TAG = "berthtest-" + UUID.randomUUID().toString().substring(0, 6);
    static final String IMAGE = "berth/demo:latest";
    static final List<String> SERVE_GREETING = List.of("sh", "-c",
            "mkdir -p /www && echo \"$GREETING\" > /www/index.html && exec httpd -f -p 8080 -h /www");

    static BerthConfig.Docker config;
    static DockerBackend backend;

    @BeforeAll
    static void engineAndImage() throws Exception {
        Process build = new ProcessBuilder("deploy/images/demo/build.sh")
                .directory(Path.of(System.getProperty("user.dir")).toFile()).inheritIO().start();
        assertThat(build.waitFor(120, TimeUnit.SECONDS)).as("build.sh finished").isTrue();
        assertThat(build.exitValue()).as("build.sh exit code").isZero();
        config = new BerthConfig.Docker();
        config.namePrefix = TAG;
        config.labels = Map.of("berth.test", TAG);
        config.startTimeoutSeconds = 20;
        config.publishHost = "127.0.0.1";
        backend = new DockerBackend(config);
        assertThat(backend.unavailable()).isEmpty();
    }

    @AfterEach
    void removeThisRunsObjects() throws Exception {
        DockerCli.removeEverythingLabelled(TAG);
    }

    @AfterAll
    static void closeBackend() throws Exception {
        DockerCli.removeEverythingLabelled(TAG);
        if (backend != null) {
            backend.close();
        }
    }

    static StackSpec greeting(StackRef ref, String greeting) {
        return new StackSpec(ref,
                List.of(new ServiceSpec("web", IMAGE, SERVE_GREETING, Map.of("GREETING", greeting), 8080)));
    }

    /** Serves {@code /data/first}, written by the first start only, from a volume of the given scope. */
    static StackSpec keeper(StackRef ref, String greeting, VolumeScope scope) {
        List<String> command = List.of("sh", "-c",
                "[ -f /data/first ] || echo \"$GREETING\" > /data/first; exec httpd -f -p 8080 -h /data");
        return new StackSpec(ref, List.of(new ServiceSpec("web", IMAGE, command, Map.of("GREETING", greeting), 8080,
                List.of(new Mount("data", scope, "/data")), Resources.UNLIMITED, Health.tcp(8080, 0), List.of(),
                null)));
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        if (array != null) {
            array.forEach(node -> texts.add(node.asText()));
        }
        return texts;
    }

    /** A bare HTTP request over a socket: what a client outside Berth does with a published port. */
    static String rawGet(String host, int port) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String get(Endpoint endpoint) throws IOException, InterruptedException {
        return get(endpoint, "/");
    }

    static String get(Endpoint endpoint, String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://" + endpoint.host() + ":" + endpoint.port() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().strip();
    }
}
