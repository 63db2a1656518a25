package io.berth.backend.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.backend.BackendException;
import io.berth.backend.StackSpec;
import io.berth.config.BerthConfig;
import io.berth.config.Swarm;
import io.berth.model.StackRef;
import io.berth.testing.PrivateDockerd;
import io.berth.testing.SwarmNode;
import io.berth.testing.TestDocker;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Swarm backend says what is wrong with its setup, in words an operator can act on, instead of failing a launch
 * half-way: an engine that is no swarm manager, and a Berth that cannot join the stacks' overlay networks (a host
 * process, a host-network container, a container name that does not exist). Each refused launch leaves nothing behind.
 */
class SwarmRefusalsTest {
    private final String run = "sr" + UUID.randomUUID().toString().substring(0, 6);

    private BerthConfig.Docker docker(String host) {
        BerthConfig.Docker docker = new BerthConfig.Docker();
        docker.host = host;
        docker.namePrefix = run;
        docker.labels = Map.of(TestDocker.TEST_LABEL, run);
        return docker;
    }

    private static StackSpec demo(String owner) {
        return new StackSpec(new StackRef(owner, "s1"), List.of(new StackSpec.ServiceSpec("web", TestDocker.DEMO_IMAGE,
                List.of("httpd", "-f", "-p", "8080"), Map.of(), 8080)));
    }

    @Test
    void an_engine_that_is_no_swarm_manager_is_named_with_what_to_do() throws Exception {
        try (PrivateDockerd engine = PrivateDockerd.start();
             SwarmBackend backend = new SwarmBackend(docker(engine.host()), new Swarm())) {
            assertThat(backend.unavailable()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains(engine.host()).contains("not a manager of an active swarm (state: inactive)")
                    .contains("docker swarm init"));
        }
    }

    @Test
    void a_berth_that_cannot_join_overlay_networks_is_refused_before_anything_is_made() {
        TestDocker.ensureDemoImage();
        String hostNet = run + "-hostnet";
        try (SwarmNode node = SwarmNode.ensure()) {
            TestDocker.run(List.of("docker", "run", "-d", "--name", hostNet, "--label", TestDocker.TEST_LABEL + "=" + run,
                    "--network", "host", TestDocker.DEMO_IMAGE, "sleep", "120"));
            Swarm onHost = new Swarm(); // this test JVM is a process on the host, not in a container
            Swarm hostNetwork = new Swarm();
            hostNetwork.berthContainer = hostNet;
            Swarm missing = new Swarm();
            missing.berthContainer = run + "-nowhere";
            Map<Swarm, String> expected = Map.of(onHost, "Berth does not run in a container",
                    hostNetwork, "uses the host's network, which cannot join overlay networks",
                    missing, "is not on the Docker engine at docker.host");
            expected.forEach((swarm, words) -> {
                try (SwarmBackend backend = new SwarmBackend(docker(BerthConfig.Docker.DEFAULT_HOST), swarm)) {
                    assertThat(backend.unavailable()).hasValueSatisfying(r -> assertThat(r).contains(words));
                    assertThatThrownBy(() -> backend.start(demo("alice"), m -> { }))
                            .isInstanceOf(BackendException.class).hasMessageContaining(words);
                }
            });
            assertThat(TestDocker.networks(run)).as("no network was made for the refused launches").isEmpty();
            assertThat(TestDocker.run(List.of("docker", "service", "ls", "-q", "--filter",
                    "label=" + TestDocker.TEST_LABEL + "=" + run)).trim()).isEmpty();
        } finally {
            TestDocker.cleanUp(run);
        }
    }
}
