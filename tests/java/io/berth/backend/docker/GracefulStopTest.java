package io.berth.backend.docker;

import static io.berth.backend.docker.DockerCli.exists;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.backend.Backend.LogSink;
import io.berth.backend.ObjectNames;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.Health;
import io.berth.backend.StackSpec.Resources;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.model.StackRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop on the real engine is graceful: SIGTERM (through the container's init) first, the service's stop grace, then
 * the kill; services that depend on another stop before it. Each service here serves a TCP port (so the start
 * returns only once its shell has set its trap) and reacts to SIGTERM as its command's trap says.
 */
class GracefulStopTest extends RealEngineTest {

    @Test
    void a_service_that_exits_on_sigterm_stops_at_once_and_shuts_down_its_own_way() throws Exception {
        StackRef ref = new StackRef("alice", "polite");
        backend.start(stack(ref, service("web", "echo clean shutdown; exit 0", 30)), step -> { });
        Lines log = follow(ref, "web");
        List<String> steps = Collections.synchronizedList(new ArrayList<>());

        long began = System.nanoTime();
        backend.stop(ref, steps::add);
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(took).as("a 30 s grace is not waited out by a service that exits").isLessThan(Duration.ofSeconds(2));
        assertThat(log.ended()).isTrue();
        assertThat(log.lines).contains("clean shutdown");
        assertThat(steps).as("nothing to wait for").isEmpty();
        assertThat(exists("container", ObjectNames.container(TAG, ref, "web"))).isFalse();
    }

    @Test
    void a_service_that_ignores_sigterm_is_killed_after_its_grace_and_the_wait_is_reported() throws Exception {
        StackRef ref = new StackRef("alice", "stubborn");
        backend.start(stack(ref, service("web", "", 2)), step -> { });
        List<String> steps = Collections.synchronizedList(new ArrayList<>());

        long began = System.nanoTime();
        backend.stop(ref, steps::add);
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(5));
        assertThat(steps).containsExactly("Stopping (waiting for web to shut down; it is killed after 2 s)");
        assertThat(exists("container", ObjectNames.container(TAG, ref, "web"))).isFalse();
    }

    @Test
    void a_service_is_stopped_only_after_the_services_that_depend_on_it() throws Exception {
        StackRef ref = new StackRef("alice", "ordered");
        // the app takes a second and a half to finish on SIGTERM; the database says when it got its signal
        ServiceSpec db = service("db", "echo db got its signal; exit 0", 10);
        ServiceSpec app = withDependencies(service("app", "sleep 1.5; echo app done; exit 0", 10), "db");
        ServiceSpec other = service("other", "echo other got its signal; exit 0", 10);
        backend.start(stack(ref, db, app, other), step -> { });
        Lines dbLog = follow(ref, "db");
        Lines appLog = follow(ref, "app");
        Lines otherLog = follow(ref, "other");

        long began = System.nanoTime();
        backend.stop(ref, step -> { });

        assertThat(appLog.ended() && dbLog.ended()).isTrue();
        assertThat(appLog.lines).contains("app done");
        assertThat(dbLog.lines).contains("db got its signal");
        assertThat(dbLog.at("db got its signal")).as("db's signal came after app had finished")
                .isGreaterThan(appLog.at("app done"));
        assertThat(otherLog.at("other got its signal") - began).as("a service nobody depends on stops at once")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(1000));
    }

    /**
     * Serves port 8080 from a background httpd; on SIGTERM runs {@code onTerm} (empty: ignores the signal, as do
     * the children it starts after that).
     */
    private static ServiceSpec service(String name, String onTerm, int graceSeconds) {
        String script = "trap '" + onTerm + "' TERM; httpd -p 8080 -h /; while true; do sleep 0.1; done";
        return new ServiceSpec(name, IMAGE, List.of("sh", "-c", script), Map.of(), 8080, List.of(),
                Resources.UNLIMITED, Health.tcp(8080, 0), List.of(), null, List.of(), graceSeconds, List.of());
    }

    private static ServiceSpec withDependencies(ServiceSpec s, String... dependsOn) {
        return new ServiceSpec(s.name(), s.image(), s.command(), s.env(), s.port(), s.volumes(), s.resources(),
                s.health(), s.publish(), s.user(), s.placement(), s.stopGraceSeconds(), List.of(dependsOn));
    }

    private static StackSpec stack(StackRef ref, ServiceSpec... services) {
        return new StackSpec(ref, List.of(services));
    }

    private static Lines follow(StackRef ref, String service) {
        Lines lines = new Lines();
        backend.logs(ref, service, 0, true, lines);
        return lines;
    }

    /** A followed log: its lines, when each arrived, and whether it ended (the container stopped). */
    private static final class Lines implements LogSink {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Long> arrived = new java.util.concurrent.ConcurrentHashMap<>();
        final CountDownLatch end = new CountDownLatch(1);

        @Override
        public void line(String text) {
            arrived.putIfAbsent(text, System.nanoTime());
            lines.add(text);
        }

        @Override
        public void end(String reason) {
            end.countDown();
        }

        boolean ended() throws InterruptedException {
            return end.await(5, TimeUnit.SECONDS);
        }

        long at(String line) throws InterruptedException {
            ended();
            return arrived.getOrDefault(line, Long.MAX_VALUE);
        }
    }
}
