package io.berth.backups;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static io.berth.testing.Stacks.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploading a backup file to restore into a new stack (POST /api/v1/backups?name=…), on real Docker: a downloaded
 * backup of a stack deleted with its data brings the data back in a new stack; hostile files are refused with their
 * reason before anything is launched or any volume made; a file over backups.max_upload is refused as it arrives.
 */
class UploadTest {
    private static BerthInstance berth;
    private static PortalClient alice;
    private static PortalClient bob;
    private static String token;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("notes.yaml", BackUpNowTest.NOTES);
        var config = BackUpNowTest.config(berth);
        config.backups.maxUpload = "1m";
        config.backups.ownerQuota = "1m";
        berth.start(config);
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        alice = berth.member(admin, "alice");
        bob = berth.member(admin, "bob");
        token = alice.createToken("uploads", "read launch");
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    private static HttpResponse<String> upload(String name, byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/backups?name="
                        + name)).header("Authorization", "Bearer " + token).header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String exec(String stack, String script) {
        return TestDocker.run(List.of("docker", "exec", berth.run + "-alice--" + stack + "--web", "sh", "-c", script));
    }

    @Test
    void a_downloaded_backup_of_a_deleted_stack_brings_its_data_back_in_a_new_stack() throws Exception {
        launch(alice, "notes", "lost");
        assertThat(waitForState(alice, "/stacks/alice/lost", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        exec("lost", "echo months-of-runs > /data/runs.txt");
        alice.get("/stacks/alice/lost");
        alice.post("/stacks/alice/lost/backups", Map.of());
        Pattern done = Pattern.compile("id=\"backup-(\\d+)\" class=\"backup-done\"");
        waitUntil("a backup", () -> done.matcher(alice.get("/stacks/alice/lost").body()).find(), Duration.ofSeconds(60),
                () -> alice.get("/stacks/alice/lost").body());
        Matcher m = done.matcher(alice.get("/stacks/alice/lost").body());
        assertThat(m.find()).isTrue();
        byte[] file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(berth.url()
                        + "/api/v1/stacks/alice/lost/backups/" + m.group(1) + "/file"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        alice.get("/stacks/alice/lost");
        alice.post("/stacks/alice/lost/delete", Map.of("delete_data", "true"));
        waitUntil("the stack and its data are gone", () -> TestDocker.volumes(berth.run).stream()
                .noneMatch(v -> v.contains("lost")), Duration.ofSeconds(30), () -> "");

        var answer = upload("found", file);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        waitUntil("the restore into the new stack", () -> alice.get("/stacks/alice/found").body()
                .contains("Restore of backup"), Duration.ofSeconds(90), () -> alice.get("/stacks/alice/found").body());
        assertThat(alice.get("/stacks/alice/found").body()).contains("done").doesNotContain("failed:");
        assertThat(waitForState(alice, "/stacks/alice/found", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        assertThat(exec("found", "cat /data/runs.txt")).isEqualTo("months-of-runs\n");
    }

    @Test
    void hostile_backup_files_are_refused_with_their_reason_and_nothing_is_launched_or_written() throws Exception {
        HostileArchiveTest maker = new HostileArchiveTest();
        maker.dir = dir;
        Map<String, Path> hostile = new java.util.LinkedHashMap<>();
        hostile.put("climbs out of the volume with ..", maker.backup(List.of(HostileArchiveTest.Item.file(
                "./../../../etc/cron.d/evil", "x"))));
        hostile.put("is an absolute path", maker.backup(List.of(HostileArchiveTest.Item.file("/etc/passwd", "x"))));
        hostile.put("outside the volume", maker.backup(List.of(HostileArchiveTest.Item.symlink("./etc", "/etc"))));
        byte[] part = HostileArchiveTest.volumeTar(List.of(HostileArchiveTest.Item.file("./a", "y".repeat(3000))));
        hostile.put("but its manifest says " + part.length * 2L, maker.backup(part, part.length * 2L));
        Path whole = maker.backup(List.of(HostileArchiveTest.Item.file("./a", "z".repeat(50_000))));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.tar.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 30));
        hostile.put("ends too early", cut);

        int i = 0;
        for (var e : hostile.entrySet()) {
            var answer = upload("h" + i, Files.readAllBytes(e.getValue()));
            assertThat(answer.statusCode()).as(e.getKey() + ": " + answer.body()).isEqualTo(422);
            assertThat(answer.body()).contains("The backup is refused").contains(e.getKey());
            assertThat(alice.get("/stacks/alice/h" + i).statusCode()).isEqualTo(404);
            i++;
        }
        assertThat(TestDocker.volumes(berth.run)).noneMatch(v -> v.contains("alice--h"));
        try (var left = Files.list(berth.home.resolve("backups"))) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith(".upload-")).toList()).isEmpty();
        }
    }

    @Test
    void a_small_file_that_claims_to_unpack_beyond_the_free_disk_is_refused_before_it_is_unpacked() throws Exception {
        HostileArchiveTest maker = new HostileArchiveTest();
        maker.dir = dir;
        byte[] part = HostileArchiveTest.volumeTar(List.of(HostileArchiveTest.Item.file("./a", "zeros")));
        long petabyte = 1L << 50;

        var answer = upload("bomb", Files.readAllBytes(maker.backup(part, petabyte)));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
        assertThat(answer.body()).contains("The backup unpacks to 1024 TiB")
                .contains("free on the backups folder's disk");
        assertThat(alice.get("/stacks/alice/bomb").statusCode()).isEqualTo(404);
        assertThat(TestDocker.volumes(berth.run)).noneMatch(v -> v.contains("alice--bomb"));
    }

    @Test
    void a_file_larger_than_max_upload_is_refused() throws Exception {
        var answer = upload("huge", new byte[2 << 20]);
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.body()).contains("backups.max_upload");
    }

    @Test
    void a_backup_beyond_the_owners_quota_is_refused_with_what_is_held() {
        launch(bob, "notes", "big");
        assertThat(waitForState(bob, "/stacks/bob/big", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        TestDocker.run(List.of("docker", "exec", berth.run + "-bob--big--web", "sh", "-c",
                "dd if=/dev/urandom of=/data/noise bs=1024 count=1500 2>/dev/null"));
        String bobs = bob.createToken("b", "read launch");
        var first = io.berth.testing.ApiCalls.call(berth.url(), bobs, "POST", "/stacks/bob/big/backups", "");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        waitUntil("bob's backup", () -> io.berth.testing.ApiCalls.call(berth.url(), bobs, "GET",
                "/stacks/bob/big/backups", null).body().contains("DONE"), Duration.ofSeconds(60), () -> "");

        var second = io.berth.testing.ApiCalls.call(berth.url(), bobs, "POST", "/stacks/bob/big/backups", "");

        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(second.body()).contains("quota_exceeded").contains("backups.owner_quota is 1m");
    }
}
