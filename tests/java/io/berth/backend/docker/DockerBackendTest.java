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

/** The backend's lifecycle on the real engine: start, re-attach, failures that explain themselves, stop, list. */
class DockerBackendTest extends RealEngineTest {
    @Test
    void a_started_stack_answers_on_its_endpoint() throws Exception {
        StackRef ref = new StackRef("alice", "answers");
        List<String> steps = Collections.synchronizedList(new ArrayList<>());

        List<Endpoint> endpoints = backend.start(greeting(ref, "hello alice"), steps::add);

        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e.service()).isEqualTo("web");
            assertThat(e.port()).isEqualTo(8080);
        });
        assertThat(get(endpoints.get(0))).isEqualTo("hello alice");
        assertThat(steps).contains("Checking image " + IMAGE,
                "Creating network " + ObjectNames.network(TAG, ref),
                "Starting container " + ObjectNames.container(TAG, ref, "web"),
                "Waiting for web (tcp port 8080)");
        assertThat(backend.list()).filteredOn(s -> s.stack().equals(ref))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("detail")
                .containsExactly(new ServiceStatus(ref, "web", true, endpoints.get(0)));
    }

    @Test
    void starting_twice_reuses_the_running_containers() throws Exception {
        StackRef ref = new StackRef("alice", "twice");
        List<Endpoint> first = backend.start(greeting(ref, "once"), step -> { });
        String id = docker("inspect", "-f", "{{.Id}}", ObjectNames.container(TAG, ref, "web")).strip();
        List<String> steps = Collections.synchronizedList(new ArrayList<>());

        List<Endpoint> second = backend.start(greeting(ref, "once"), steps::add);

        assertThat(second).isEqualTo(first);
        assertThat(docker("inspect", "-f", "{{.Id}}", ObjectNames.container(TAG, ref, "web")).strip()).isEqualTo(id);
        assertThat(steps).contains("Reusing running container " + ObjectNames.container(TAG, ref, "web"))
                .noneMatch(s -> s.startsWith("Creating network"));
    }

    @Test
    void a_stopped_container_is_replaced_on_the_next_start() throws Exception {
        StackRef ref = new StackRef("alice", "replaced");
        backend.start(greeting(ref, "first"), step -> { });
        docker("kill", ObjectNames.container(TAG, ref, "web"));

        List<Endpoint> endpoints = backend.start(greeting(ref, "second"), step -> { });

        assertThat(get(endpoints.get(0))).isEqualTo("second");
    }

    @Test
    void a_missing_image_fails_at_once_naming_the_image() throws Exception {
        StackRef ref = new StackRef("alice", "missing");
        String image = "berth/absent-" + TAG + ":1";
        StackSpec spec = new StackSpec(ref, List.of(new ServiceSpec("web", image, List.of(), Map.of(), 8080)));
        long began = System.nanoTime();

        assertThatThrownBy(() -> backend.start(spec, step -> { }))
                .isInstanceOf(BackendException.class)
                .hasMessage("Image \"" + image + "\" is not present on the Docker engine and no registry may be"
                        + " reachable from this host: build it here (see deploy/images/) or map it to a local image.");

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        assertThat(backend.imagePresent(image)).isFalse();
        assertThat(backend.imagePresent(IMAGE)).isTrue();
        assertThat(exists("network", ObjectNames.network(TAG, ref))).isFalse();
    }

    @Test
    void a_service_that_exits_during_start_fails_with_its_exit_code_and_logs() throws Exception {
        StackRef ref = new StackRef("alice", "exits");
        StackSpec spec = new StackSpec(ref, List.of(
                new ServiceSpec("db", IMAGE, List.of("sh", "-c", "exec httpd -f -p 27017 -h /"), Map.of(), 27017),
                new ServiceSpec("web", IMAGE, List.of("sh", "-c", "echo boom; echo bang >&2; exit 3"), Map.of(),
                        8080)));
        long began = System.nanoTime();

        assertThatThrownBy(() -> backend.start(spec, step -> { }))
                .isInstanceOf(BackendException.class)
                .hasMessageStartingWith("Service \"web\" exited with code 3 during start. Last log lines:\n")
                .hasMessageContaining("boom").hasMessageContaining("bang");

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        assertThat(exists("container", ObjectNames.container(TAG, ref, "db"))).as("db removed").isFalse();
        assertThat(exists("container", ObjectNames.container(TAG, ref, "web"))).as("web removed").isFalse();
        assertThat(exists("network", ObjectNames.network(TAG, ref))).as("network removed").isFalse();
    }

    @Test
    void a_service_that_never_answers_fails_when_the_start_timeout_passes() throws Exception {
        BerthConfig.Docker impatient = new BerthConfig.Docker();
        impatient.namePrefix = TAG;
        impatient.labels = config.labels;
        impatient.startTimeoutSeconds = 1;
        StackRef ref = new StackRef("alice", "silent");
        StackSpec spec = new StackSpec(ref, List.of(
                new ServiceSpec("web", IMAGE, List.of("sh", "-c", "echo thinking; exec sleep 600"), Map.of(), 8080)));

        try (DockerBackend quick = new DockerBackend(impatient)) {
            assertThatThrownBy(() -> quick.start(spec, step -> { }))
                    .isInstanceOf(BackendException.class)
                    .hasMessageStartingWith("Service \"web\" did not answer on port 8080 within 1 s")
                    .hasMessageContaining("thinking");
        }
        assertThat(exists("container", ObjectNames.container(TAG, ref, "web"))).isFalse();
    }

    @Test
    void stop_removes_containers_and_stopping_again_succeeds() throws Exception {
        StackRef ref = new StackRef("alice", "stopped");
        backend.start(greeting(ref, "bye"), step -> { });

        backend.stop(ref);

        assertThat(backend.list()).noneMatch(s -> s.stack().equals(ref));
        assertThat(exists("container", ObjectNames.container(TAG, ref, "web"))).isFalse();
        assertThat(exists("network", ObjectNames.network(TAG, ref))).as("network kept").isTrue();
        backend.stop(ref);
        backend.stop(new StackRef("nobody", "never-started"));
    }

    @Test
    void remove_deletes_the_network() throws Exception {
        StackRef ref = new StackRef("alice", "removed");
        backend.start(greeting(ref, "bye"), step -> { });

        backend.remove(ref, false);

        assertThat(exists("network", ObjectNames.network(TAG, ref))).isFalse();
        assertThat(exists("container", ObjectNames.container(TAG, ref, "web"))).isFalse();
        backend.remove(ref, false);
    }

    @Test
    void list_finds_containers_by_label_only() throws Exception {
        StackRef ref = new StackRef("alice", "listed");
        List<Endpoint> endpoints = backend.start(greeting(ref, "mine"), step -> { });
        // Not Berth's at all, and another Berth's container of the same user and stack: neither is ours.
        docker("run", "-d", "--init", "--name", TAG + "-stranger", "--label", "berth.test=" + TAG,
                IMAGE, "sleep", "600");
        docker("run", "-d", "--init", "--name", TAG + "-other-berth", "--label", "berth.test=" + TAG,
                "--label", "berth.instance=other-" + TAG, "--label", "berth.user=alice",
                "--label", "berth.stack=listed", "--label", "berth.service=web", IMAGE, "sleep", "600");

        assertThat(backend.list()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("detail")
                .containsExactly(new ServiceStatus(ref, "web", true, endpoints.get(0)));
        assertThat(backend.list().get(0).detail()).startsWith("Up");
        backend.stop(ref);
        backend.remove(ref, true);

        assertThat(backend.list()).isEmpty();
        assertThat(exists("container", TAG + "-stranger")).isTrue();
        assertThat(exists("container", TAG + "-other-berth")).isTrue();
    }

    @Test
    void a_container_with_the_stack_s_name_but_not_our_labels_is_left_alone() throws Exception {
        StackRef ref = new StackRef("alice", "squatted");
        String name = ObjectNames.container(TAG, ref, "web");
        docker("run", "-d", "--init", "--name", name, "--label", "berth.test=" + TAG, IMAGE, "sleep", "600");

        assertThatThrownBy(() -> backend.start(greeting(ref, "x"), step -> { }))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("\"" + name + "\"").hasMessageContaining("Berth did not create it");

        assertThat(docker("inspect", "-f", "{{.State.Running}}", name).strip()).isEqualTo("true");
        assertThat(exists("network", ObjectNames.network(TAG, ref))).as("network removed again").isFalse();
    }

    @Test
    void an_unreachable_engine_is_reported_naming_its_address_not_thrown() {
        BerthConfig.Docker nowhere = new BerthConfig.Docker();
        nowhere.host = "unix:///nonexistent/" + TAG + ".sock";
        try (DockerBackend lost = new DockerBackend(nowhere)) {
            assertThat(lost.unavailable()).hasValueSatisfying(reason ->
                    assertThat(reason).startsWith("No Docker engine answers at " + nowhere.host + ": "));
        }
    }
}
