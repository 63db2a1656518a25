package io.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.ApiCalls;
import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.Postgres;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Berth answered as done survives {@code kill -9}: a real Berth process on real Docker takes launches, deletes
 * and token creations through the API at staggered times, is killed about 5 ms after the last answer, and started
 * again on the same store. Every acknowledged launch exists and gets READY, every acknowledged delete stays deleted
 * (its containers gone), every token made works. Five rounds in a row, on the H2 file and on PostgreSQL; each round
 * deletes the stacks of the round before, so the engine holds at most two rounds of stacks.
 */
class DurableCommitsTest {
    private static final int ROUNDS = 5;
    /**
     * Launches per round. Each stack has a bridge network of its own and two rounds of stacks exist at once; Docker's
     * default address pools hold ~30 networks ({@code deploy/prepare-host.sh} starts the engine with 256).
     */
    private static final int LAUNCHES = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

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
    void acknowledged_launches_deletes_and_tokens_survive_kill_9_on_the_h2_file() throws Exception {
        killRounds(null, null);
    }

    @Test
    void acknowledged_launches_deletes_and_tokens_survive_kill_9_on_postgresql() throws Exception {
        killRounds(Postgres.server().newDatabase(), "postgres");
    }

    private void killRounds(String storeUrl, String storeUser) throws Exception {
        berth = new BerthProcess(instance).withYaml("""
                quotas:
                  user: {stacks: 200, containers: 200, cpu: 200, memory: 200g}
                """);
        if (storeUrl != null) {
            berth.withStore(storeUrl, storeUser);
        }
        berth.start();
        String token = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD)
                .createToken("durability", "read launch tokens");
        List<String> tokens = new ArrayList<>(List.of(token));
        List<String> previous = List.of();
        Random random = new Random(19);
        for (int round = 1; round <= ROUNDS; round++) {
            // Launches of this round, deletes of the last round's stacks and a token, interleaved at random gaps.
            List<String> launched = new ArrayList<>();
            for (int i = 0; i < LAUNCHES; i++) {
                String name = "r" + round + "-s" + i;
                HttpResponse<String> made = call(token, "POST", "/stacks",
                        "{\"template\": \"demo\", \"name\": \"" + name + "\"}");
                assertThat(made.statusCode()).as("launch " + name + ": " + made.body()).isEqualTo(201);
                launched.add(name);
                if (i < previous.size()) {
                    HttpResponse<String> gone = call(token, "DELETE", "/stacks/admin/" + previous.get(i), null);
                    assertThat(gone.statusCode()).as("delete " + previous.get(i) + ": " + gone.body()).isEqualTo(204);
                }
                if (i == LAUNCHES - 2) {
                    HttpResponse<String> t = call(token, "POST", "/tokens",
                            "{\"name\": \"round-" + round + "\", \"scopes\": [\"read\"]}");
                    assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
                    tokens.add(JSON.readTree(t.body()).path("secret").asText());
                }
                Thread.sleep(i == LAUNCHES - 1 ? 5 : random.nextInt(60));
            }
            berth.kill();

            long restarted = System.nanoTime();
            berth.start();
            List<String> deleted = previous;
            Stacks.waitUntil("round " + round + ": every acknowledged launch READY and every acknowledged delete gone",
                    () -> settled(token, launched, deleted), Duration.ofSeconds(90),
                    () -> states(token) + "\nlog:\n" + tail());
            System.out.printf("round %d: %d launches and %d deletes acknowledged before kill -9; all settled %.1f s "
                    + "after the restart%n", round, launched.size(), deleted.size(), (System.nanoTime() - restarted) / 1e9);
            for (String name : deleted) {
                assertThat(TestDocker.containers(instance.run, name)).as("containers of deleted " + name)
                        .isEmpty();
            }
            for (String t : tokens) {
                HttpResponse<String> me = call(t, "GET", "/me", null);
                assertThat(me.statusCode()).as("a token made before the kill still works: " + me.body()).isEqualTo(200);
            }
            assertThat(berth.log()).doesNotContain("no record in the store; removing them");
            previous = launched;
        }
    }

    /** Whether every launched stack is READY and none of the deleted ones is listed any more. */
    private boolean settled(String token, List<String> launched, List<String> deleted) {
        Map<String, String> states = states(token);
        for (String name : deleted) {
            String state = states.get(name);
            // a deleted stack may be listed only while its delete finishes, never in any other state
            assertThat(state).as("deleted stack " + name + " after the restart").isIn(null, "DELETING");
        }
        return launched.stream().allMatch(n -> "READY".equals(states.get(n)))
                && deleted.stream().noneMatch(states::containsKey);
    }

    private Map<String, String> states(String token) {
        try {
            HttpResponse<String> list = call(token, "GET", "/stacks", null);
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            Map<String, String> states = new HashMap<>();
            for (JsonNode s : JSON.readTree(list.body())) {
                states.put(s.path("name").asText(), s.path("state").asText() + reasonOf(s));
            }
            return states;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reasonOf(JsonNode s) {
        return s.path("reason").isTextual() ? " (" + s.path("reason").asText() + ")" : "";
    }

    private String tail() {
        try {
            String log = berth.log();
            return log.substring(Math.max(0, log.length() - 4000));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private HttpResponse<String> call(String token, String method, String path, String body) {
        return ApiCalls.call(berth.url(), token, method, path, body);
    }
}
