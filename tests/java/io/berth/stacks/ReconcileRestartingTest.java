package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import io.berth.testing.BerthInstance;
import io.berth.testing.LoopbackBackend;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's patience, on a backend whose service states the test sets (the real engines' side of it is in
 * ReconcileTest and SwarmStackTest): a service that is down fails its stack after two passes, but one the engine
 * reports as coming back by itself (Swarm replacing a task, Docker's restart policy) is given
 * {@link Reconciler#PASSES_WHILE_RESTARTING} passes, so a replacement is not shown as a failure while a crash loop
 * still is.
 */
class ReconcileRestartingTest {
    private final LoopbackBackend backend = new LoopbackBackend(9);
    private BerthInstance berth;
    private PortalClient admin;

    @BeforeEach
    void start() throws Exception {
        berth = new BerthInstance();
        BerthConfig config = berth.config();
        config.docker.reconcileSeconds = 1;
        berth.startWith(config, backend);
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        launch(admin, "demo", "s1");
        assertThat(waitForState(admin, "/stacks/admin/s1", "READY", Duration.ofSeconds(10))).isEqualTo("READY");
    }

    @AfterEach
    void stop() {
        berth.close();
    }

    @Test
    void a_service_down_without_the_engine_bringing_it_back_fails_its_stack_within_a_few_passes() {
        backend.down(new StackRef("admin", "s1"), false);

        assertThat(waitForState(admin, "/stacks/admin/s1", "FAILED", Duration.ofSeconds(5))).isEqualTo("FAILED");
    }

    @Test
    void a_service_the_engine_is_bringing_back_keeps_its_stack_ready_for_a_while_then_fails_it() {
        backend.down(new StackRef("admin", "s1"), true);
        Stacks.sleep(4_000); // four passes: twice what fails a service that is simply down

        assertThat(waitForState(admin, "/stacks/admin/s1", "READY", Duration.ofSeconds(1))).isEqualTo("READY");
        var page = admin.get("/user/admin/s1/web/", Duration.ofSeconds(3));
        assertThat(page.statusCode()).as("its dead address is not tried: an answer at once").isEqualTo(503);
        assertThat(page.body()).contains("is being restarted; this page reloads until it answers");
        assertThat(waitForState(admin, "/stacks/admin/s1", "FAILED", Duration.ofSeconds(15)))
                .as("a service that keeps coming back without running (a crash loop) fails all the same")
                .isEqualTo("FAILED");
        assertThat(admin.get("/stacks/admin/s1").body()).contains("Stopped running outside Berth: web (restarting)");
    }

    @Test
    void a_service_back_in_time_leaves_no_failure_behind() {
        StackRef s1 = new StackRef("admin", "s1");
        backend.down(s1, true);
        Stacks.sleep(3_000);
        backend.up(s1);
        Stacks.sleep(2_000);

        String page = admin.get("/stacks/admin/s1").body();
        assertThat(waitForState(admin, "/stacks/admin/s1", "READY", Duration.ofSeconds(1))).isEqualTo("READY");
        assertThat(page).doesNotContain("Stopped running outside Berth");
    }
}
