package io.berth.bench;

import io.berth.App;
import io.berth.config.BerthConfig;
import io.berth.testing.EchoServer;
import io.berth.testing.LoopbackBackend;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Java side of deploy/bench/proxy-bench.sh. Three modes, each runs until killed:
 * <ul>
 * <li>{@code echo}: an {@link EchoServer} alone (the WebSocket backend, in its own JVM so that it does not share
 * heap, GC or JIT with the proxy it is measured through); prints {@code ECHO_PORT=<port>}.</li>
 * <li>{@code berth --port P --http-backend N [--ws-backend M] --password X --home DIR}: Berth in-process on
 * {@link LoopbackBackend} (no engine), with a one-service template; logs in as {@code admin}, launches stack
 * {@code bench} (pointed at port N) and, with a WebSocket backend, {@code benchws} (pointed at port M), waits until
 * both are READY, then prints {@code BERTH_URL=…}, {@code BERTH_WS_URL=…} and {@code BERTH_COOKIE=berth_session=…}.</li>
 * <li>{@code jetty --root DIR}: a bare Jetty server (the one Berth runs on) that answers {@code …/<file>} with the
 * bytes of {@code DIR/<file>} from memory, no checks, no forwarding: the floor of what any proxy built into Jetty
 * costs per request, to set beside nginx's whole proxy. Prints {@code JETTY_PORT=<port>}.</li>
 * </ul>
 */
public final class BenchBerth {
    /** One HTTP service, pointed at a loopback server by {@link LoopbackBackend} (also used by {@link Sizing}). */
    static final String TEMPLATE = """
            name: bench
            title: "Bench: one HTTP service on loopback"
            services:
              web:
                image: berth/bench-loopback:none
                expose:
                  - http: 8080
                    route: path
            """;

    private BenchBerth() { }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        if (args.length > 0 && args[0].equals("echo")) {
            EchoServer echo = new EchoServer();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> quietly(echo::close)));
            System.out.println("ECHO_PORT=" + echo.port());
            System.out.flush();
            Thread.currentThread().join();
        } else if (args.length > 0 && args[0].equals("berth")) {
            berth(opts);
        } else if (args.length > 0 && args[0].equals("jetty")) {
            bareJetty(Path.of(require(opts, "root")));
        } else {
            System.err.println("usage: BenchBerth echo | BenchBerth berth --port P --http-backend N "
                    + "[--ws-backend M] --password X --home DIR | BenchBerth jetty --root DIR");
            System.exit(2);
        }
    }

    private static void berth(Map<String, String> opts) throws Exception {
        Path home = Path.of(require(opts, "home"));
        Files.createDirectories(home.resolve("templates"));
        Files.writeString(home.resolve("templates/bench.yaml"), TEMPLATE);
        BerthConfig config = new BerthConfig();
        config.server.host = "127.0.0.1";
        config.server.port = Integer.parseInt(require(opts, "port"));
        config.server.publicHost = "127.0.0.1";
        config.store.url = "jdbc:h2:file:" + home.resolve("data/berth").toAbsolutePath();
        config.catalog.dir = home.resolve("templates").toString();
        config.proxy.pathRouting = "all"; // measured on the path routes, as before host routing became the default
        int httpPort = Integer.parseInt(require(opts, "http-backend"));
        Map<String, Integer> byStack = new HashMap<>();
        if (opts.containsKey("ws-backend")) {
            byStack.put("benchws", Integer.parseInt(opts.get("ws-backend")));
        }
        App app = App.start(config, require(opts, "password"), c -> new LoopbackBackend(httpPort, byStack));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));

        String base = "http://127.0.0.1:" + app.port();
        PortalClient portal = new PortalClient(base).login("admin", require(opts, "password"));
        launchAndWait(portal, "bench");
        System.out.println("BERTH_URL=" + base + "/user/admin/bench/web/");
        if (!byStack.isEmpty()) {
            launchAndWait(portal, "benchws");
            System.out.println("BERTH_WS_URL=" + base.replace("http:", "ws:") + "/user/admin/benchws/web/ws");
        }
        System.out.println("BERTH_COOKIE=" + portal.cookieHeader());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void bareJetty(Path root) throws Exception {
        Map<String, ByteBuffer> files = new HashMap<>();
        try (var list = Files.list(root)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(file)).asReadOnlyBuffer());
            }
        }
        Server server = new Server(new QueuedThreadPool(256));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                ByteBuffer body = files.get(path.substring(path.lastIndexOf('/') + 1));
                if (body == null) {
                    Response.writeError(request, response, callback, 404);
                    return true;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
                response.write(true, body.slice(), callback);
                return true;
            }
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> quietly(server::stop)));
        System.out.println("JETTY_PORT=" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    /** Launches a stack of the bench template (a stack of that name left from an earlier run is reused). */
    private static void launchAndWait(PortalClient portal, String name) {
        String page = "/stacks/admin/" + name;
        if (portal.get(page).statusCode() == 404) {
            Stacks.launch(portal, "bench", name);
        }
        String state = Stacks.waitForState(portal, page, "READY", Duration.ofSeconds(30));
        if (!state.equals("READY")) {
            throw new IllegalStateException("stack " + name + " is " + state + ", not READY");
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void quietly(Action action) {
        try {
            action.run();
        } catch (Exception e) {
            // shutting down
        }
    }
}
