package io.berth.backups;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static io.berth.testing.Stacks.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.ShippedTemplate;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The shipped Sacred template (on the local builds: the MongoDB stand-in): a run written through the published port
 * is in the backup taken with mongod briefly stopped; after the stack is deleted with its data, the downloaded backup
 * uploaded as a new stack brings the run back, readable with the connection string the new stack's page shows.
 */
class SacredBackupTest {
    private static final Pattern CONNECTION =
            Pattern.compile("mongodb://root:([A-Za-z0-9]+)@127\\.0\\.0\\.1:(\\d+)/\\?authSource=admin");

    private static String connection(PortalClient alice, String stack) {
        Matcher shown = CONNECTION.matcher(alice.get("/stacks/alice/" + stack).body());
        assertThat(shown.find()).as("connection string on the stack page").isTrue();
        return shown.group(0) + "&serverSelectionTimeoutMS=10000";
    }

    @Test
    void a_sacred_run_backed_up_comes_back_in_a_new_stack_after_the_old_one_is_deleted_with_its_data() throws Exception {
        TestDocker.ensureImages("omniboard", "mongo-standin");
        try (BerthInstance berth = new BerthInstance()) {
            ShippedTemplate.start(berth, "sacred", Map.of());
            PortalClient alice = new PortalClient(berth.url()).login("alice", "alice-password");
            launch(alice, "sacred", "exp");
            assertThat(waitForState(alice, "/stacks/alice/exp", "READY", Duration.ofSeconds(120))).isEqualTo("READY");
            try (MongoClient client = MongoClients.create(connection(alice, "exp"))) {
                client.getDatabase("sacred").getCollection("runs").insertOne(new Document("_id", 7)
                        .append("experiment", new Document("name", "lqcd-beta-sweep")).append("result", 0.917));
            }

            alice.get("/stacks/alice/exp");
            assertThat(alice.post("/stacks/alice/exp/backups", Map.of()).statusCode()).isEqualTo(302);
            Pattern done = Pattern.compile("id=\"backup-(\\d+)\" class=\"backup-done\"");
            waitUntil("the backup", () -> done.matcher(alice.get("/stacks/alice/exp").body()).find(),
                    Duration.ofSeconds(120), () -> alice.get("/stacks/alice/exp").body());
            String page = alice.get("/stacks/alice/exp").body();
            assertThat(page).contains("Backup: Stopping mongo for a moment").contains("Backup: Starting mongo again");
            assertThat(waitForState(alice, "/stacks/alice/exp", "READY", Duration.ofSeconds(5))).isEqualTo("READY");
            Matcher m = done.matcher(page);
            assertThat(m.find()).isTrue();
            String token = alice.createToken("backups", "read launch");
            byte[] file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(berth.url()
                            + "/api/v1/stacks/alice/exp/backups/" + m.group(1) + "/file"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray()).body();

            alice.get("/stacks/alice/exp");
            alice.post("/stacks/alice/exp/delete", Map.of("delete_data", "true"));
            waitUntil("the stack's volume is gone", () -> TestDocker.volumes(berth.run).isEmpty(),
                    Duration.ofSeconds(60), () -> TestDocker.volumes(berth.run).toString());

            var answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(berth.url()
                            + "/api/v1/backups?name=exp-restored")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/gzip").POST(HttpRequest.BodyPublishers.ofByteArray(file))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            waitUntil("the restore", () -> alice.get("/stacks/alice/exp-restored").body().contains("Restore of backup"),
                    Duration.ofSeconds(180), () -> alice.get("/stacks/alice/exp-restored").body());
            assertThat(alice.get("/stacks/alice/exp-restored").body()).doesNotContain("failed:");
            assertThat(waitForState(alice, "/stacks/alice/exp-restored", "READY", Duration.ofSeconds(120)))
                    .isEqualTo("READY");
            try (MongoClient client = MongoClients.create(connection(alice, "exp-restored"))) {
                Document run = client.getDatabase("sacred").getCollection("runs").find().first();
                assertThat(run).as("the run written before the backup").isNotNull();
                assertThat(run.get("experiment", Document.class).getString("name")).isEqualTo("lqcd-beta-sweep");
            }
        }
    }
}
