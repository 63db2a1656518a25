package io.berth.web;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Berth killed with SIGKILL while a stack runs comes back with the stack READY and its URL working. */
class RestartTest {
    private BerthInstance instance;
    private BerthProcess berth;

    @BeforeEach
    void setUp() throws Exception {
        TestDocker.ensureDemoImage();
        instance = new BerthInstance();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (berth != null) {
            berth.kill();
        }
        instance.close();
    }

    @Test
    void a_killed_berth_finds_its_running_stack_again_and_serves_it() throws Exception {
        berth = new BerthProcess(instance).start();
        PortalClient alice = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        launch(alice, "demo", "survivor");
        assertThat(waitForState(alice, "/stacks/admin/survivor", "READY", Duration.ofSeconds(20))).isEqualTo("READY");
        var containersBefore = TestDocker.containers(instance.run);

        berth.kill();
        assertThat(TestDocker.containers(instance.run)).as("containers outlive Berth").isEqualTo(containersBefore);
        berth.start();

        // Same browser, same cookie: the session survived too.
        assertThat(waitForState(alice, "/stacks/admin/survivor", "READY", Duration.ofSeconds(5))).isEqualTo("READY");
        var page = alice.get("/user/admin/survivor/web/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello from a Berth stack");
        assertThat(TestDocker.containers(instance.run)).as("re-attached, not recreated").isEqualTo(containersBefore);
    }

    @Test
    void berth_never_touches_containers_without_its_labels() throws Exception {
        String stranger = instance.run + "-stranger";
        TestDocker.run(java.util.List.of("docker", "run", "-d", "--name", stranger, "--label",
                "berth.user=admin", "--label", "berth.stack=x", "--label", "berth.service=web",
                TestDocker.DEMO_IMAGE, "sleep", "600"));
        try {
            berth = new BerthProcess(instance).start(); // the start-up reconcile pass runs before serving
            assertThat(TestDocker.run(java.util.List.of("docker", "inspect", "-f", "{{.State.Running}}", stranger)).trim())
                    .isEqualTo("true");
        } finally {
            TestDocker.run(java.util.List.of("docker", "rm", "-f", stranger));
        }
    }
}
