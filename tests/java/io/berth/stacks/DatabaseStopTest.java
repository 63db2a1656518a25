package io.berth.stacks;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.ShippedTemplate;
import io.berth.testing.TestDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The shipped Sacred template on the local builds: stopping the stack lets its MongoDB (the stand-in, a JVM that
 * closes its store in a shutdown hook, which runs on SIGTERM and never on SIGKILL) shut down cleanly, without waiting
 * out its 30 s grace, and what a job wrote is there again after the next start.
 */
class DatabaseStopTest {
    private static final Pattern CONNECTION =
            Pattern.compile("mongodb://root:([A-Za-z0-9]+)@127\\.0\\.0\\.1:(\\d+)/\\?authSource=admin");

    @Test
    void stopping_the_sacred_stack_shuts_mongod_down_cleanly_and_its_runs_survive_a_start() throws Exception {
        TestDocker.ensureImages("omniboard", "mongo-standin");
        try (BerthInstance berth = new BerthInstance()) {
            ShippedTemplate.start(berth, "sacred", Map.of());
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
            launch(alice, "sacred", "exp");
            assertThat(waitForState(alice, "/stacks/alice/exp", "READY", Duration.ofSeconds(120))).isEqualTo("READY");
            try (MongoClient client = MongoClients.create(connection(alice))) {
                client.getDatabase("sacred").getCollection("runs")
                        .insertOne(new Document("_id", 1).append("experiment", new Document("name", "kept-run")));
            }
            String mongo = berth.run + "-alice--exp--mongo";
            Path log = Files.createTempFile("mongo-log", ".txt");
            // the container is removed after the stop: follow its log until then
            Process follow = new ProcessBuilder("docker", "logs", "-f", mongo).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();

            long began = System.nanoTime();
            assertThat(alice.post("/stacks/alice/exp/stop", Map.of()).statusCode()).isEqualTo(302);
            assertThat(waitForState(alice, "/stacks/alice/exp", "STOPPED", Duration.ofSeconds(60))).isEqualTo("STOPPED");
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            System.out.printf("sacred stack stopped in %d ms%n", took.toMillis());

            assertThat(follow.waitFor(10, TimeUnit.SECONDS)).as("docker logs -f ends with the container").isTrue();
            String text = Files.readString(log);
            assertThat(text).as("the stand-in's log").contains("closing server channel")
                    .contains("completed shutdown of MongoServer");
            assertThat(took).as("mongod exits on SIGTERM: its 30 s grace is not waited out")
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(TestDocker.containers(berth.run)).isEmpty();

            assertThat(alice.post("/stacks/alice/exp/start", Map.of()).statusCode()).isEqualTo(302);
            assertThat(waitForState(alice, "/stacks/alice/exp", "READY", Duration.ofSeconds(120))).isEqualTo("READY");
            try (MongoClient client = MongoClients.create(connection(alice))) {
                Document run = client.getDatabase("sacred").getCollection("runs").find().first();
                assertThat(run).as("the run written before the stop").isNotNull();
                assertThat(run.get("experiment", Document.class).getString("name")).isEqualTo("kept-run");
            }
        }
    }

    /** The connection string the stack page shows (its published port changes with each start). */
    private static String connection(PortalClient alice) {
        Matcher shown = CONNECTION.matcher(alice.get("/stacks/alice/exp").body());
        assertThat(shown.find()).as("connection string on the stack page").isTrue();
        return shown.group(0) + "&serverSelectionTimeoutMS=10000";
    }
}
