package io.berth.backend.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import io.berth.backend.StackSpec;
import io.berth.config.BerthConfig;
import io.berth.config.Swarm;
import io.berth.model.StackRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What Berth asks Swarm for, as the Engine API receives it (docker-java's own JSON mapping): the same hardening and
 * limits as the Docker backend's containers, placement from berth.yaml and the template, and the two ways of
 * publishing. The real engine runs these specs in SwarmStackTest.
 */
class ServiceSpecsTest {
    private static final StackRef REF = new StackRef("alice", "exp");

    private static JsonNode json(Swarm swarm, StackSpec.ServiceSpec service, List<Mount> mounts) {
        BerthConfig.Docker docker = new BerthConfig.Docker();
        docker.namePrefix = "t1";
        var spec = new ServiceSpecs(docker, swarm).of(REF, "t1-alice--exp", service,
                Map.of("berth.instance", "t1", "berth.user", "alice", "berth.stack", "exp"), mounts);
        return DefaultDockerClientConfig.createDefaultConfigBuilder().build().getObjectMapper().valueToTree(spec);
    }

    private static StackSpec.ServiceSpec db(List<String> placement) {
        return new StackSpec.ServiceSpec("db", "mongo:8.0", List.of("mongod", "--bind_ip_all"), Map.of("A", "1"), 0,
                List.of(), new StackSpec.Resources(1.5, 512L << 20), StackSpec.Health.tcp(27017, 0), List.of(27017),
                "1000:100", placement);
    }

    @Test
    void services_are_hardened_and_limited_like_the_docker_backends_containers() {
        JsonNode spec = json(new Swarm(), db(List.of()), List.of());
        JsonNode container = spec.at("/TaskTemplate/ContainerSpec");

        assertThat(spec.path("Name").asText()).isEqualTo("t1-alice--exp--db");
        assertThat(container.path("CapabilityDrop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(container.path("CapabilityAdd").toString()).contains("CAP_SETUID").doesNotContain("NET_RAW");
        assertThat(container.path("Init").asBoolean()).isTrue();
        assertThat(container.path("StopGracePeriod").asLong()).as("the default stop grace, in nanoseconds")
                .isEqualTo(10_000_000_000L);
        assertThat(container.path("User").asText()).isEqualTo("1000:100");
        assertThat(container.path("Command").toString()).isEqualTo("[\"mongod\",\"--bind_ip_all\"]");
        assertThat(container.path("Env").toString()).isEqualTo("[\"A=1\"]");
        JsonNode limits = spec.at("/TaskTemplate/Resources/Limits");
        assertThat(limits.path("Pids").asLong()).isEqualTo(BerthConfig.Docker.DEFAULT_PIDS_LIMIT);
        assertThat(limits.path("NanoCPUs").asLong()).isEqualTo(1_500_000_000L);
        assertThat(limits.path("MemoryBytes").asLong()).isEqualTo(512L << 20);
        assertThat(spec.at("/TaskTemplate/Resources/Reservations/MemoryBytes").asLong())
                .as("swarm.reserve (default): Swarm places it only where 512 MiB are unreserved").isEqualTo(512L << 20);
        assertThat(spec.at("/TaskTemplate/RestartPolicy/Condition").asText()).isEqualTo("any");
        assertThat(spec.at("/Mode/Replicated/Replicas").asInt()).isEqualTo(1);
    }

    @Test
    void labels_mark_service_and_containers_and_the_alias_is_the_template_name() {
        JsonNode spec = json(new Swarm(), db(List.of()), List.of());

        for (JsonNode labels : List.of(spec.path("Labels"), spec.at("/TaskTemplate/ContainerSpec/Labels"))) {
            assertThat(labels.path("berth.user").asText()).isEqualTo("alice");
            assertThat(labels.path("berth.stack").asText()).isEqualTo("exp");
            assertThat(labels.path("berth.service").asText()).isEqualTo("db");
        }
        JsonNode network = spec.at("/TaskTemplate/Networks/0");
        assertThat(network.path("Target").asText()).isEqualTo("t1-alice--exp");
        assertThat(network.path("Aliases").toString()).isEqualTo("[\"db\"]");
    }

    @Test
    void placement_joins_berth_yaml_and_the_template() {
        Swarm swarm = new Swarm();
        swarm.placement = List.of("node.role==worker");
        JsonNode spec = json(swarm, db(List.of("node.labels.disk==local")), List.of());

        assertThat(spec.at("/TaskTemplate/Placement/Constraints").toString())
                .isEqualTo("[\"node.role==worker\",\"node.labels.disk==local\"]");
    }

    @Test
    void with_the_routing_mesh_ports_are_published_on_every_node_otherwise_on_the_tasks_node() {
        JsonNode mesh = json(new Swarm(), db(List.of()), List.of()).path("EndpointSpec");
        assertThat(mesh.path("Mode").asText()).isEqualTo("vip");
        assertThat(mesh.at("/Ports/0/PublishMode").asText()).isEqualTo("ingress");
        assertThat(mesh.at("/Ports/0/TargetPort").asInt()).isEqualTo(27017);

        Swarm noMesh = new Swarm();
        noMesh.routingMesh = false;
        JsonNode host = json(noMesh, db(List.of()), List.of()).path("EndpointSpec");
        assertThat(host.path("Mode").asText()).isEqualTo("dnsrr");
        assertThat(host.at("/Ports/0/PublishMode").asText()).isEqualTo("host");
    }

    @Test
    void without_reserve_only_limits_and_volumes_use_the_configured_driver() {
        Swarm swarm = new Swarm();
        swarm.reserve = false;
        swarm.volumeDriver = "site-nfs";
        Mount data = new Mount().withType(MountType.VOLUME).withSource("t1-alice--exp-vol--data").withTarget("/data");
        JsonNode spec = json(swarm, db(List.of()), List.of(data));

        assertThat(spec.at("/TaskTemplate/Resources/Reservations").isMissingNode()
                || spec.at("/TaskTemplate/Resources/Reservations").isNull()).isTrue();
        JsonNode mount = spec.at("/TaskTemplate/ContainerSpec/Mounts/0");
        assertThat(mount.path("Source").asText()).isEqualTo("t1-alice--exp-vol--data");
        assertThat(mount.at("/VolumeOptions/DriverConfig/Name").asText()).isEqualTo("site-nfs");
    }
}
