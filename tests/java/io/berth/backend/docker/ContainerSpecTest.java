package io.berth.backend.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.berth.backend.docker.DockerCli.docker;
import static io.berth.backend.docker.DockerCli.exists;
import static io.berth.backend.docker.DockerCli.inspect;

import io.berth.backend.Backend;
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

/** What a service spec becomes on the real engine: volumes, limits, health checks, order, ports, user. */
class ContainerSpecTest extends RealEngineTest {
    @Test
    void a_stack_volume_keeps_data_across_stop_and_start() throws Exception {
        StackRef ref = new StackRef("alice", "kept");
        String volume = ObjectNames.volume(TAG, ref, VolumeScope.STACK, "data");
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        backend.start(keeper(ref, "written first", VolumeScope.STACK), steps::add);
        assertThat(steps).contains("Creating volume " + volume);
        backend.stop(ref);
        steps.clear();

        List<Endpoint> endpoints = backend.start(keeper(ref, "written second", VolumeScope.STACK), steps::add);

        assertThat(steps).contains("Using volume " + volume);
        assertThat(get(endpoints.get(0), "/first")).isEqualTo("written first");
        JsonNode labels = inspect("volume", volume).get("Labels");
        assertThat(labels.get("berth.stack").asText()).isEqualTo("kept");
        assertThat(labels.get("berth.volume").asText()).isEqualTo("data");
    }

    @Test
    void delete_with_data_removes_the_stack_volume_and_keep_data_does_not() throws Exception {
        StackRef ref = new StackRef("alice", "deleted");
        StackRef neighbour = new StackRef("alice", "neighbour");
        String volume = ObjectNames.volume(TAG, ref, VolumeScope.STACK, "data");
        backend.start(keeper(neighbour, "not mine", VolumeScope.STACK), step -> { });
        backend.start(keeper(ref, "mine", VolumeScope.STACK), step -> { });

        backend.remove(ref, true);
        assertThat(exists("volume", volume)).as("kept with keepData").isTrue();
        assertThat(exists("network", ObjectNames.network(TAG, ref))).isFalse();
        assertThat(get(backend.start(keeper(ref, "again", VolumeScope.STACK), step -> { }).get(0), "/first"))
                .isEqualTo("mine");

        backend.remove(ref, false);
        assertThat(exists("volume", volume)).as("removed without keepData").isFalse();
        assertThat(exists("volume", ObjectNames.volume(TAG, neighbour, VolumeScope.STACK, "data")))
                .as("another stack's volume").isTrue();
        backend.remove(ref, false);
    }

    @Test
    void an_owner_volume_outlives_the_stack() throws Exception {
        StackRef writer = new StackRef("alice", "writer");
        StackRef reader = new StackRef("alice", "reader");
        String volume = ObjectNames.volume(TAG, writer, VolumeScope.OWNER, "data");
        backend.start(keeper(writer, "left by the writer", VolumeScope.OWNER), step -> { });

        backend.remove(writer, false);

        assertThat(exists("volume", volume)).isTrue();
        assertThat(inspect("volume", volume).get("Labels").has("berth.stack")).isFalse();
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        List<Endpoint> endpoints = backend.start(keeper(reader, "read only", VolumeScope.OWNER), steps::add);
        assertThat(steps).contains("Using volume " + volume);
        assertThat(get(endpoints.get(0), "/first")).isEqualTo("left by the writer");
    }

    @Test
    void limits_are_set_on_the_container() throws Exception {
        StackRef ref = new StackRef("alice", "limited");
        ServiceSpec web = new ServiceSpec("web", IMAGE, SERVE_GREETING, Map.of("GREETING", "small"), 8080,
                List.of(new Mount("data", VolumeScope.STACK, "/data")), new Resources(0.5, 64L << 20),
                Health.tcp(8080, 0), List.of(), null);
        backend.start(new StackSpec(ref, List.of(web)), step -> { });

        JsonNode host = inspect("container", ObjectNames.container(TAG, ref, "web")).get("HostConfig");
        assertThat(host.get("NanoCpus").asLong()).isEqualTo(500_000_000L);
        assertThat(host.get("Memory").asLong()).isEqualTo(64L << 20);
        assertThat(host.get("MemorySwap").asLong()).as("no swap").isEqualTo(64L << 20);
        assertThat(host.get("PidsLimit").asLong()).isEqualTo(BerthConfig.Docker.DEFAULT_PIDS_LIMIT);
        assertThat(texts(host.get("CapDrop"))).containsExactly("ALL");
        assertThat(texts(host.get("CapAdd"))).containsExactlyInAnyOrder("CHOWN", "SETUID", "SETGID",
                "DAC_OVERRIDE", "FOWNER", "KILL", "NET_BIND_SERVICE");
        assertThat(texts(host.get("SecurityOpt"))).anyMatch(o -> o.startsWith("no-new-privileges"));
        assertThat(host.get("RestartPolicy").get("Name").asText()).isEqualTo("unless-stopped");
        assertThat(host.get("Privileged").asBoolean()).isFalse();
        assertThat(texts(host.get("Binds"))).as("no host paths").isEmpty();
        assertThat(host.get("Mounts")).singleElement().satisfies(m -> {
            assertThat(m.get("Type").asText()).isEqualTo("volume");
            assertThat(m.get("Source").asText()).isEqualTo(ObjectNames.volume(TAG, ref, VolumeScope.STACK, "data"));
        });
    }

    @Test
    void http_health_waits_for_the_path_to_answer() throws Exception {
        // The port accepts at once but answers 503 until /www/up exists, 1 s later: a TCP check would pass early.
        String script = "mkdir -p /www/cgi-bin && printf '%s\\n' '#!/bin/sh'"
                + " 'if [ -f /www/up ]; then printf \"HTTP/1.0 200 OK\\r\\n\\r\\nready\\n\";"
                + " else printf \"HTTP/1.0 503 Starting\\r\\n\\r\\n\"; fi' > /www/cgi-bin/ready"
                + " && chmod +x /www/cgi-bin/ready; (sleep 1; touch /www/up) & exec httpd -f -p 8080 -h /www";
        StackRef ref = new StackRef("alice", "http");
        ServiceSpec web = new ServiceSpec("web", IMAGE, List.of("sh", "-c", script), Map.of(), 8080, List.of(),
                Resources.UNLIMITED, new Health(Health.Kind.HTTP, 8080, "/cgi-bin/ready", 0), List.of(), null);
        List<String> steps = Collections.synchronizedList(new ArrayList<>());

        List<Endpoint> endpoints = backend.start(new StackSpec(ref, List.of(web)), steps::add);

        assertThat(get(endpoints.get(0), "/cgi-bin/ready")).isEqualTo("ready");
        assertThat(steps).contains("Waiting for web (http GET /cgi-bin/ready on port 8080)");
    }

    @Test
    void an_http_check_that_keeps_failing_fails_at_its_own_timeout() throws Exception {
        String script = "mkdir -p /www/cgi-bin && printf '%s\\n' '#!/bin/sh'"
                + " 'printf \"HTTP/1.0 500 Broken\\r\\n\\r\\n\"' > /www/cgi-bin/health"
                + " && chmod +x /www/cgi-bin/health && exec httpd -f -p 8080 -h /www";
        StackRef ref = new StackRef("alice", "broken");
        ServiceSpec web = new ServiceSpec("web", IMAGE, List.of("sh", "-c", script), Map.of(), 8080, List.of(),
                Resources.UNLIMITED, new Health(Health.Kind.HTTP, 8080, "/cgi-bin/health", 1), List.of(), null);

        assertThatThrownBy(() -> backend.start(new StackSpec(ref, List.of(web)), step -> { }))
                .isInstanceOf(BackendException.class)
                .hasMessageStartingWith("Service \"web\" did not answer GET /cgi-bin/health on port 8080 with a"
                        + " status below 500 within 1 s (its health check's timeout).");
        assertThat(exists("container", ObjectNames.container(TAG, ref, "web"))).isFalse();
    }

    @Test
    void a_service_starts_only_after_the_one_before_it_is_healthy() throws Exception {
        StackRef ref = new StackRef("alice", "ordered");
        ServiceSpec first = new ServiceSpec("first", IMAGE, List.of("sh", "-c", "sleep 1; " + SERVE_GREETING.get(2)),
                Map.of("GREETING", "first is up"), 8080);
        // Exits (failing the start) unless "first" answers by its service name when "second" starts.
        ServiceSpec second = new ServiceSpec("second", IMAGE, List.of("sh", "-c",
                "page=$(wget -q -O- http://first:8080/) || exit 7; GREETING=\"second saw $page\"; "
                        + SERVE_GREETING.get(2)), Map.of(), 8080);

        List<Endpoint> endpoints = backend.start(new StackSpec(ref, List.of(first, second)), step -> { });

        assertThat(get(endpoints.get(1), "/")).isEqualTo("second saw first is up");
    }

    @Test
    void a_published_tcp_port_answers_on_the_host() throws Exception {
        StackRef ref = new StackRef("alice", "published");
        ServiceSpec db = new ServiceSpec("db", IMAGE, List.of("sh", "-c",
                "mkdir -p /www && echo \"$GREETING\" > /www/index.html && exec httpd -f -p 27017 -h /www"),
                Map.of("GREETING", "from the host"), 0, List.of(), Resources.UNLIMITED, Health.tcp(27017, 0),
                List.of(27017), null);

        Endpoint endpoint = backend.start(new StackSpec(ref, List.of(db)), step -> { }).get(0);

        assertThat(endpoint.port()).isZero();
        assertThat(endpoint.host()).isNotBlank();
        assertThat(endpoint.published()).containsOnlyKeys(27017);
        int hostPort = endpoint.published().get(27017);
        assertThat(rawGet("127.0.0.1", hostPort)).contains("200 OK").endsWith("from the host\n");
        JsonNode binding = inspect("container", ObjectNames.container(TAG, ref, "db"))
                .get("HostConfig").get("PortBindings").get("27017/tcp").get(0);
        assertThat(binding.get("HostIp").asText()).isEqualTo("127.0.0.1");
        assertThat(backend.list()).filteredOn(s -> s.stack().equals(ref))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("detail")
                .containsExactly(new ServiceStatus(ref, "db", true, endpoint));
    }

    @Test
    void run_as_user_sets_the_uid() throws Exception {
        StackRef ref = new StackRef("alice", "unprivileged");
        ServiceSpec web = new ServiceSpec("web", IMAGE, List.of("sh", "-c",
                "echo \"uid=$(id -u) gid=$(id -g)\"; exec httpd -f -p 8080 -h /"), Map.of(), 8080, List.of(),
                Resources.UNLIMITED, Health.tcp(8080, 0), List.of(), "1234:1234");

        backend.start(new StackSpec(ref, List.of(web)), step -> { });

        String name = ObjectNames.container(TAG, ref, "web");
        assertThat(docker("logs", name)).contains("uid=1234 gid=1234");
        assertThat(inspect("container", name).get("Config").get("User").asText()).isEqualTo("1234:1234");
    }

    @Test
    void a_host_folder_is_mounted_into_the_container() throws Exception {
        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("berth-host-");
        java.nio.file.Files.writeString(folder.resolve("index.html"), "from the host");
        StackRef ref = new StackRef("alice", "hostdir");
        Endpoint web = backend.start(new StackSpec(ref, List.of(new ServiceSpec("web", IMAGE,
                List.of("httpd", "-f", "-p", "8080", "-h", "/data"), Map.of(), 8080,
                List.of(new Mount(folder.toString(), VolumeScope.HOST, "/data")), Resources.UNLIMITED,
                Health.tcp(8080, 0), List.of(), null))), Backend.Progress.NONE).get(0);
        assertThat(get(web)).isEqualTo("from the host");
        backend.remove(ref, false);
        assertThat(folder.resolve("index.html")).as("a host folder is never removed with the stack").exists();
    }
}
