package io.berth.bench;

import com.sun.net.httpserver.HttpServer;
import io.berth.App;
import io.berth.config.BerthConfig;
import io.berth.testing.LoopbackBackend;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Memory of a Berth as users and stacks are added (deploy/bench/sizing.sh runs it): Berth in this JVM on a
 * {@link LoopbackBackend} (the engine's own memory is not Berth's), a batch of users at a time, each created by the
 * admin, logged in (a session), with one running stack opened once through the proxy (a cached route) and its page
 * read. After each batch: heap in use after a full GC, the process's resident memory, threads. Prints one line per
 * batch and the growth per 100 users. Args: BATCH (default 100) BATCHES (default 3) HOME.
 */
public final class Sizing {
    private Sizing() { }

    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path home = Path.of(args.length > 2 ? args[2] : Files.createTempDirectory("berth-sizing").toString());
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        backend.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, hello.length);
            exchange.getResponseBody().write(hello);
            exchange.close();
        });
        backend.start();

        Files.createDirectories(home.resolve("templates"));
        Files.writeString(home.resolve("templates/bench.yaml"), BenchBerth.TEMPLATE);
        BerthConfig config = new BerthConfig();
        config.server.port = 0;
        config.store.url = "jdbc:h2:file:" + home.resolve("data/berth").toAbsolutePath();
        config.catalog.dir = home.resolve("templates").toString();
        config.proxy.pathRouting = "all"; // measured on the path routes, as before host routing became the default
        config.logging.levels.put("io.berth", "warn"); // a line per launch would drown the table
        String password = "sizing-admin-42";
        App app = App.start(config, password, c -> new LoopbackBackend(backend.getAddress().getPort()));
        String base = "http://127.0.0.1:" + app.port();
        PortalClient admin = new PortalClient(base).login("admin", password);
        admin.get("/admin/users");

        System.out.printf("%-8s %-8s %12s %12s %8s%n", "users", "stacks", "heap MiB", "RSS MiB", "threads");
        long[] first = measure(0);
        long[] last = first;
        for (int b = 1; b <= batches; b++) {
            for (int i = 0; i < batch; i++) {
                String user = "u" + b + "x" + i;
                admin.post("/admin/users", Map.of("username", user, "password", user + "-password"));
                PortalClient client = new PortalClient(base).login(user, user + "-password");
                Stacks.launch(client, "bench", "s");
                String state = Stacks.waitForState(client, "/stacks/" + user + "/s", "READY", Duration.ofSeconds(30));
                if (!state.equals("READY") || client.get("/user/" + user + "/s/web/").statusCode() != 200) {
                    throw new IllegalStateException(user + "'s stack is " + state);
                }
            }
            last = measure(b * batch);
        }
        System.out.printf("growth per 100 users with one stack each: heap %.1f MiB, RSS %.1f MiB%n",
                (last[0] - first[0]) / 1024.0 / 1024.0 * 100 / (batch * batches),
                (last[1] - first[1]) / 1024.0 * 100 / (batch * batches));
        app.close();
        backend.stop(0);
    }

    /** Prints and returns {heap bytes after GC, RSS KiB}. */
    private static long[] measure(int users) {
        long h = heapAfterGc();
        long r = rssKiB();
        System.out.printf("%-8d %-8d %12.1f %12.1f %8d%n", users, users, h / 1024.0 / 1024.0, r / 1024.0,
                Thread.activeCount());
        return new long[] {h, r};
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKiB() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
