package io.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.backend.Endpoint;
import io.berth.config.BerthConfig;
import io.berth.model.StackState;
import io.berth.model.User;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real H2 file, migrated by Flyway as in production. */
class StackStoreTest {
    @TempDir
    Path dir;
    private Database db;
    private StackStore stacks;
    private User alice;

    @BeforeEach
    void open() {
        db = open(dir);
        stacks = new StackStore(db.jdbi());
        alice = new UserStore(db.jdbi()).create("alice", null, false);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Database open(Path dir) {
        BerthConfig.Store config = new BerthConfig.Store();
        config.url = "jdbc:h2:file:" + dir.resolve("berth");
        return new Database(config);
    }

    @Test
    void ten_concurrent_launches_of_one_name_create_one_stack() throws Exception {
        var pool = Executors.newFixedThreadPool(10);
        try {
            Callable<Optional<?>> launch = () -> stacks.create(alice.id(), "demo", "demo", Map.of("web", "path"), Map.of(), Map.of());
            List<Future<Optional<?>>> results = pool.invokeAll(java.util.Collections.nCopies(10, launch));
            long created = 0;
            for (Future<Optional<?>> f : results) {
                created += f.get().isPresent() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
            assertThat(stacks.ownedBy(alice.id())).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_transition_happens_only_from_the_expected_states() {
        long id = stacks.create(alice.id(), "demo", "demo", Map.of("web", "path"), Map.of(), Map.of()).orElseThrow().id();
        assertThat(stacks.transition(id, EnumSet.of(StackState.READY), StackState.STOPPING, null)).isFalse();
        assertThat(stacks.transition(id, EnumSet.of(StackState.PENDING), StackState.STARTING, null)).isTrue();
        assertThat(stacks.transition(id, EnumSet.of(StackState.PENDING), StackState.STARTING, null)).isFalse();
        assertThat(stacks.byId(id).orElseThrow().state()).isEqualTo(StackState.STARTING);
    }

    @Test
    void state_routes_and_events_survive_reopening_the_database() {
        long id = stacks.create(alice.id(), "demo", "demo", Map.of("web", "path"), Map.of(), Map.of()).orElseThrow().id();
        stacks.transition(id, EnumSet.of(StackState.PENDING), StackState.READY, null);
        stacks.setTargets(id, List.of(new Endpoint("web", "172.18.0.2", 8080, Map.of(27017, 32768)),
                new Endpoint("db", "10.0.1.4", 0, Map.of(5432, 30001), "10.1.0.12")));
        new EventStore(db.jdbi()).add(id, "Ready in 300 ms");
        db.close();

        db = open(dir);
        StackStore reopened = new StackStore(db.jdbi());
        var route = reopened.route("alice", "demo", "web").orElseThrow();
        assertThat(route.state()).isEqualTo(StackState.READY);
        assertThat(route.host()).isEqualTo("172.18.0.2");
        assertThat(route.port()).isEqualTo(8080);
        assertThat(new EventStore(db.jdbi()).of(id)).extracting(e -> e.message()).containsExactly("Ready in 300 ms");
        assertThat(reopened.route("alice", "demo", "other")).isEmpty();
        assertThat(reopened.publishedPorts(id)).containsEntry("web", Map.of(27017, 32768));
        assertThat(reopened.publishedHosts(id)).as("a node's address only where it is not the portal's")
                .isEqualTo(Map.of("db", "10.1.0.12"));
    }

    @Test
    void last_activities_are_each_stacks_latest_route_and_stacks_without_traffic_have_none() {
        long busy = stacks.create(alice.id(), "busy", "demo", Map.of("web", "path", "api", "path"), Map.of(), Map.of())
                .orElseThrow().id();
        long quiet = stacks.create(alice.id(), "quiet", "demo", Map.of("web", "path"), Map.of(), Map.of())
                .orElseThrow().id();
        java.time.Instant early = java.time.Instant.parse("2026-12-01T10:00:00Z");
        java.time.Instant late = java.time.Instant.parse("2026-12-02T10:00:00Z");
        stacks.recordActivity(Map.of(Map.entry(busy, "web"), early, Map.entry(busy, "api"), late));

        assertThat(stacks.lastActivities()).isEqualTo(Map.of(busy, late));
        assertThat(stacks.lastActivity(busy)).contains(late);
        assertThat(stacks.lastActivity(quiet)).isEmpty();
    }
}
