package io.berth.bench;

import io.berth.config.BerthConfig;
import io.berth.store.AuditStore;
import io.berth.store.Database;
import io.berth.testing.BerthInstance;
import io.berth.testing.EchoServer;
import io.berth.testing.LoopbackBackend;
import io.berth.testing.PortalClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What durable commits cost, side by side in one run (deploy/bench/launch-bench.sh runs it): the H2 file as Berth
 * opens it now ({@code WRITE_DELAY=0} and an fsync per changing call, "durable") against H2's default write delay
 * ({@code ;WRITE_DELAY=500} in the URL, which Berth then leaves alone: "delayed", what Berth did before).
 * <ul>
 * <li>write cost: one audit row per call, one thread (ms per commit), and 8 threads (commits/s);</li>
 * <li>launch throughput: launches per second acknowledged (201) through {@code POST /api/v1/stacks} from 8 clients,
 * on {@link LoopbackBackend} (no engine: the store is what is measured).</li>
 * </ul>
 * The modes alternate {@code ROUNDS} times on fresh databases; medians are printed with the ratio durable/delayed.
 */
public final class LaunchThroughput {
    private static final int WRITES = Integer.getInteger("writes", 400);
    private static final int LAUNCHES = Integer.getInteger("launches", 150);
    private static final int CLIENTS = 8;
    private static final int ROUNDS = Integer.getInteger("rounds", 3);

    private LaunchThroughput() { }

    public static void main(String[] args) throws Exception {
        String[] modes = {"delayed", "durable"};
        double[][] msPerCommit = new double[2][ROUNDS];
        double[][] commitsPerSecond = new double[2][ROUNDS];
        double[][] launchesPerSecond = new double[2][ROUNDS];
        try (EchoServer echo = new EchoServer()) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int m = 0; m < 2; m++) {
                    String suffix = m == 0 ? ";WRITE_DELAY=500" : "";
                    msPerCommit[m][round] = writeCost(suffix, 1);
                    commitsPerSecond[m][round] = 1000 / writeCost(suffix, CLIENTS);
                    launchesPerSecond[m][round] = launches(suffix, echo.port());
                    System.out.printf("round %d %-7s  %.3f ms/commit (1 thread)  %6.0f commits/s (%d threads)  "
                                    + "%5.1f launches/s%n", round + 1, modes[m], msPerCommit[m][round],
                            commitsPerSecond[m][round], CLIENTS, launchesPerSecond[m][round]);
                }
            }
        }
        System.out.println();
        System.out.printf("median           delayed    durable    durable/delayed%n");
        print("ms per commit", msPerCommit);
        print("commits/s, " + CLIENTS + " thr", commitsPerSecond);
        print("launches/s", launchesPerSecond);
        System.exit(0);
    }

    private static void print(String what, double[][] values) {
        double a = median(values[0]);
        double b = median(values[1]);
        System.out.printf("%-16s %8.3f   %8.3f   %.2f%n", what, a, b, b / a);
    }

    /** Milliseconds per commit with {@code threads} writers (wall time / writes per thread for one thread). */
    private static double writeCost(String urlSuffix, int threads) throws Exception {
        Path dir = Files.createTempDirectory("berth-bench-db-");
        BerthConfig.Store store = new BerthConfig.Store();
        store.url = "jdbc:h2:file:" + dir.resolve("berth") + urlSuffix;
        try (Database db = new Database(store)) {
            AuditStore audit = new AuditStore(db.jdbi());
            for (int i = 0; i < 50; i++) {
                audit.add(Instant.now(), "warm", "bench.write", "x", null, 0, "warm-up");
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicInteger left = new AtomicInteger(WRITES);
            long began = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        audit.add(Instant.now(), "bench", "bench.write", "target", "127.0.0.1", 200, "one row");
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            return (System.nanoTime() - began) / 1e6 / WRITES;
        } finally {
            deleteTree(dir);
        }
    }

    /** Launches acknowledged per second through the API from {@link #CLIENTS} clients, on a fresh Berth. */
    private static double launches(String urlSuffix, int backendPort) throws Exception {
        try (BerthInstance berth = new BerthInstance()) {
            berth.template("bench.yaml", BenchBerth.TEMPLATE);
            BerthConfig config = berth.config();
            config.store.url += urlSuffix;
            config.quotas.user.stacks = LAUNCHES + 10;
            config.quotas.user.containers = LAUNCHES + 10;
            config.quotas.user.cpu = LAUNCHES + 10;
            config.logging.levels.put("io.berth", "warn"); // a line per launch would be measured too
            berth.startWith(config, new LoopbackBackend(backendPort));
            String token = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD)
                    .createToken("bench", "read launch");
            HttpClient http = HttpClient.newHttpClient();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            long began = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                done.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < LAUNCHES) {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(berth.url()
                                        + "/api/v1/stacks")).header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"template\": \"bench\", \"name\": \"b" + i + "\"}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 201) {
                            refused.incrementAndGet();
                            System.err.println("launch b" + i + ": " + r.statusCode() + " " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            pool.shutdown();
            // let the start jobs finish before the store closes under them (not measured)
            io.berth.testing.Stacks.waitUntil(() -> {
                try {
                    String list = http.send(HttpRequest.newBuilder(URI.create(berth.url() + "/api/v1/stacks"))
                            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
                            .body();
                    return list.split("\"READY\"", -1).length - 1 == LAUNCHES;
                } catch (Exception e) {
                    return false;
                }
            }, java.time.Duration.ofSeconds(60));
            if (refused.get() > 0) {
                throw new IllegalStateException(refused.get() + " launches were refused");
            }
            return LAUNCHES / seconds;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
