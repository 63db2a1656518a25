package io.berth.bench;

import io.berth.backups.BackUpNowTestAccess;
import io.berth.testing.ApiCalls;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backup and restore of one volume through Berth (POST …/backups, then …/backups/{id}/restore, timed until the row is
 * DONE and the history says the restore is done), against the same work on the host: {@code tar c | gzip} of the
 * volume through a container, and {@code gunzip | tar x} into a fresh volume. The volume holds {@code sizeMb} MiB,
 * half random bytes (incompressible), half text. Run by deploy/bench/backup-bench.sh; not a test.
 */
public final class BackupThroughput {
    private BackupThroughput() { }

    public static void main(String[] args) throws Exception {
        int mb = Integer.getInteger("sizeMb", 1024);
        TestDocker.ensureDemoImage();
        try (BerthInstance berth = new BerthInstance()) {
            berth.template("notes.yaml", BackUpNowTestAccess.NOTES);
            berth.start();
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            PortalClient alice = berth.member(admin, "alice");
            Stacks.launch(alice, "notes", "bench");
            Stacks.waitForState(alice, "/stacks/alice/bench", "READY", Duration.ofSeconds(60));
            String container = berth.run + "-alice--bench--web";
            String volume = berth.run + "-alice--bench-vol--data";
            TestDocker.run(List.of("docker", "exec", container, "sh", "-c", "dd if=/dev/urandom of=/data/random bs=1M"
                    + " count=" + (mb / 2) + " 2>/dev/null; yes 'step=42 loss=0.917 accuracy=0.883 lr=0.001' | head -c "
                    + ((long) (mb - mb / 2) << 20) + " > /data/metrics.log"));
            String token = alice.createToken("bench", "read launch");

            long began = System.nanoTime();
            String id = idOf(ApiCalls.call(berth.url(), token, "POST", "/stacks/alice/bench/backups", "").body());
            Stacks.waitUntil("the backup", () -> ApiCalls.call(berth.url(), token, "GET", "/stacks/alice/bench/backups/"
                    + id, null).body().contains("\"DONE\""), Duration.ofMinutes(30), () -> "");
            double backup = seconds(began);
            String row = ApiCalls.call(berth.url(), token, "GET", "/stacks/alice/bench/backups/" + id, null).body();

            began = System.nanoTime();
            ApiCalls.call(berth.url(), token, "POST", "/stacks/alice/bench/backups/" + id + "/restore", "");
            Stacks.waitUntil("the restore", () -> alice.get("/stacks/alice/bench").body()
                    .contains("Restore of backup " + id + " done"), Duration.ofMinutes(30), () -> "");
            double restore = seconds(began);

            Path ref = Files.createTempFile("backup-bench-", ".tar.gz");
            began = System.nanoTime();
            sh("docker run --rm -v " + volume + ":/d:ro " + TestDocker.DEMO_IMAGE + " tar c -C /d . | gzip > " + ref);
            double hostBackup = seconds(began);
            String fresh = berth.run + "-bench-reference";
            began = System.nanoTime();
            sh("gunzip -c " + ref + " | docker run -i --rm -v " + fresh + ":/d " + TestDocker.DEMO_IMAGE + " tar x -C /d");
            double hostRestore = seconds(began);
            sh("docker volume rm " + fresh + " >/dev/null; rm -f " + ref);

            System.out.printf("volume %d MiB (half random, half text); Berth's file: %s%n", mb,
                    row.replaceAll(".*\"bytes\":(\\d+).*", "$1 bytes"));
            System.out.printf("%-28s %8s %10s%n", "", "seconds", "MiB/s");
            print("Berth backup (pause, tar.gz)", backup, mb);
            print("host tar c | gzip", hostBackup, mb);
            print("Berth restore (backup first)", restore, mb);
            print("host gunzip | tar x", hostRestore, mb);
        }
    }

    private static void print(String what, double seconds, int mb) {
        System.out.printf("%-28s %8.1f %10.1f%n", what, seconds, mb / seconds);
    }

    private static String idOf(String json) {
        Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no backup id in " + json);
        }
        return m.group(1);
    }

    private static double seconds(long began) {
        return (System.nanoTime() - began) / 1e9;
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed");
        }
    }
}
