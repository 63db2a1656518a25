package io.berth.bench;

import com.sun.net.httpserver.HttpServer;
import io.berth.App;
import io.berth.config.BerthConfig;
import io.berth.testing.LoopbackBackend;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of Berth as users and stacks are added (deploy/bench/sizing.sh runs it), each Berth in a JVM of its own with
 * the options under test, so its resident memory is its own:
 * <ul>
 * <li>{@code serve HOME BACKEND_PORT SAMPLED}: Berth on a {@link LoopbackBackend} (every service is the driver's
 * hello server at {@code BACKEND_PORT}; the engine's own memory is not Berth's), sampling the usage of up to
 * {@code SAMPLED} services every 15 s as it would containers'; prints {@code PORT=<port>}.</li>
 * <li>{@code drive BACKEND_PORT BATCH BATCHES NAME=URL=PID…}: serves the hello backend, then adds a batch of users
 * at a time to every Berth named, in lockstep: each created by the admin, logged in (a session), with one running
 * stack opened once through the proxy (a cached route) and its page read. After each batch, per Berth: live heap
 * after a full GC ({@code jcmd PID GC.run}, then {@code jvm_memory_used_bytes} of the heap from its /metrics), its
 * resident memory and threads (/proc). Prints one line per Berth and batch, and the growth per 100 users.</li>
 * </ul>
 */
public final class Sizing {
    static final String PASSWORD = "sizing-admin-42";
    private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} (\\S+)$");

    private Sizing() { }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("serve")) {
            serve(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } else if (args.length >= 5 && args[0].equals("drive")) {
            drive(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    List.of(args).subList(4, args.length));
        } else {
            throw new IllegalArgumentException("usage: serve HOME BACKEND_PORT SAMPLED | drive BACKEND_PORT BATCH BATCHES NAME=URL=PID…");
        }
    }

    private static void serve(Path home, int backendPort, int sampled) throws Exception {
        Files.createDirectories(home.resolve("templates"));
        Files.writeString(home.resolve("templates/bench.yaml"), BenchBerth.TEMPLATE);
        BerthConfig config = new BerthConfig();
        config.server.port = 0;
        config.store.url = "jdbc:h2:file:" + home.resolve("data/berth").toAbsolutePath();
        config.catalog.dir = home.resolve("templates").toString();
        config.proxy.pathRouting = "all"; // measured on the path routes, as before host routing became the default
        config.usage.intervalSeconds = 15;
        config.logging.levels.put("io.berth", "warn"); // a line per launch would drown the table
        LoopbackBackend backend = new LoopbackBackend(backendPort);
        backend.reportUsage(sampled);
        App app = App.start(config, PASSWORD, c -> backend);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
        System.out.println("PORT=" + app.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    private record Target(String name, String base, long pid, PortalClient admin) { }

    private static void drive(int backendPort, int batch, int batches, List<String> specs) throws Exception {
        HttpServer hello = HttpServer.create(new InetSocketAddress("127.0.0.1", backendPort), 64);
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        hello.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hello.start();
        List<Target> targets = new ArrayList<>();
        for (String spec : specs) {
            String[] p = spec.split("=", 3);
            PortalClient admin = new PortalClient(p[1]).login("admin", PASSWORD);
            admin.get("/admin/users");
            targets.add(new Target(p[0], p[1], Long.parseLong(p[2]), admin));
        }
        System.out.printf("%-14s %7s %10s %9s %8s%n", "berth", "users", "heap MiB", "RSS MiB", "threads");
        Map<String, long[]> first = new java.util.HashMap<>();
        Map<String, long[]> last = new java.util.HashMap<>();
        for (Target t : targets) {
            first.put(t.name(), measure(t, 0));
        }
        for (int b = 1; b <= batches; b++) {
            for (int i = 0; i < batch; i++) {
                for (Target t : targets) {
                    addUser(t, "u" + b + "x" + i);
                }
            }
            for (Target t : targets) {
                last.put(t.name(), measure(t, b * batch));
            }
        }
        for (Target t : targets) {
            long[] f = first.get(t.name());
            long[] l = last.get(t.name());
            System.out.printf("%s: growth per 100 users with one stack each: heap %.1f MiB, RSS %.1f MiB%n", t.name(),
                    (l[0] - f[0]) / 1024.0 / 1024.0 * 100 / (batch * batches), (l[1] - f[1]) / 1024.0 * 100 / (batch * batches));
        }
        hello.stop(0);
    }

    private static void addUser(Target t, String user) {
        t.admin().post("/admin/users", Map.of("username", user, "password", user + "-password"));
        PortalClient client = new PortalClient(t.base()).login(user, user + "-password");
        Stacks.launch(client, "bench", "s");
        String state = Stacks.waitForState(client, "/stacks/" + user + "/s", "READY", Duration.ofSeconds(30));
        if (!state.equals("READY") || client.get("/user/" + user + "/s/web/").statusCode() != 200) {
            throw new IllegalStateException(t.name() + ": " + user + "'s stack is " + state);
        }
    }

    /** Prints and returns {live heap bytes, RSS KiB} of one Berth. */
    private static long[] measure(Target t, int users) throws IOException, InterruptedException {
        Process gc = new ProcessBuilder("jcmd", String.valueOf(t.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor();
        Matcher heap = HEAP.matcher(t.admin().get("/metrics").body());
        long h = 0;
        while (heap.find()) {
            h += (long) Double.parseDouble(heap.group(1));
        }
        List<String> status = Files.readAllLines(Path.of("/proc/" + t.pid() + "/status"));
        long rss = field(status, "VmRSS:");
        long threads = field(status, "Threads:");
        System.out.printf("%-14s %7d %10.1f %9.1f %8d%n", t.name(), users, h / 1024.0 / 1024.0, rss / 1024.0, threads);
        System.out.flush();
        return new long[] {h, rss};
    }

    private static long field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name)).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElse(0L);
    }
}
