package io.berth.bench;

import io.berth.App;
import io.berth.config.BerthConfig;
import io.berth.testing.EchoServer;
import io.berth.testing.LoopbackBackend;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Berth side of deploy/bench/proxy-bench.sh. Two modes, each runs until killed:
 * <ul>
 * <li>{@code echo}: an {@link EchoServer} alone (the WebSocket backend, in its own JVM so that it does not share
 * heap, GC or JIT with the proxy it is measured through); prints {@code ECHO_PORT=<port>}.</li>
 * <li>{@code berth --port P --http-backend N [--ws-backend M] --password X --home DIR}: Berth in-process on
 * {@link LoopbackBackend} (no engine), with a one-service template; logs in as {@code admin}, launches stack
 * {@code bench} (pointed at port N) and, with a WebSocket backend, {@code benchws} (pointed at port M), waits until
 * both are READY, then prints {@code BERTH_URL=…}, {@code BERTH_WS_URL=…} and {@code BERTH_COOKIE=berth_session=…}.</li>
 * </ul>
 */
public final class BenchBerth {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern STATE = Pattern.compile("id=\"state\">([A-Z]+)<");
    private static final String TEMPLATE = """
            name: bench
            title: "Bench: one HTTP service on loopback"
            services:
              web:
                image: berth/bench-loopback:none
                expose:
                  - http: 8080
                    route: path
            """;

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String csrf;

    private BenchBerth(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

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
        } else {
            System.err.println("usage: BenchBerth echo | BenchBerth berth --port P --http-backend N "
                    + "[--ws-backend M] --password X --home DIR");
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
        int httpPort = Integer.parseInt(require(opts, "http-backend"));
        Map<String, Integer> byStack = new HashMap<>();
        if (opts.containsKey("ws-backend")) {
            byStack.put("benchws", Integer.parseInt(opts.get("ws-backend")));
        }
        App app = App.start(config, require(opts, "password"), c -> new LoopbackBackend(httpPort, byStack));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));

        String base = "http://127.0.0.1:" + app.port();
        BenchBerth portal = new BenchBerth(base);
        portal.login("admin", require(opts, "password"));
        portal.launchAndWait("bench");
        System.out.println("BERTH_URL=" + base + "/user/admin/bench/web/");
        if (!byStack.isEmpty()) {
            portal.launchAndWait("benchws");
            System.out.println("BERTH_WS_URL=" + base.replace("http:", "ws:") + "/user/admin/benchws/web/ws");
        }
        System.out.println("BERTH_COOKIE=berth_session=" + portal.cookie("berth_session"));
        System.out.flush();
        Thread.currentThread().join();
    }

    private void login(String user, String password) {
        get("/login");
        HttpResponse<String> r = post("/login", Map.of("username", user, "password", password));
        if (r.statusCode() != 302 || cookie("berth_session") == null) {
            throw new IllegalStateException("login of " + user + " failed: HTTP " + r.statusCode());
        }
    }

    /** Launches a stack of the bench template (a stack of that name left from an earlier run is reused). */
    private void launchAndWait(String name) throws InterruptedException {
        String page = "/stacks/admin/" + name;
        if (!state(page).equals("READY")) {
            get("/catalog");
            HttpResponse<String> r = post("/stacks", Map.of("template", "bench", "name", name));
            if (r.statusCode() != 302) {
                throw new IllegalStateException("launch of " + name + " failed: HTTP " + r.statusCode() + " " + r.body());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = state(page);
            if (state.equals("READY")) {
                return;
            }
            if (state.equals("FAILED")) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("stack " + name + " is " + state + ", not READY");
    }

    private String state(String page) {
        HttpResponse<String> r = get(page);
        Matcher m = STATE.matcher(r.body());
        return r.statusCode() == 200 && m.find() ? m.group(1) : "";
    }

    private String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    private HttpResponse<String> get(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET());
        Matcher m = CSRF.matcher(r.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return r;
    }

    private HttpResponse<String> post(String path, Map<String, String> form) {
        Map<String, String> all = new LinkedHashMap<>(form);
        if (csrf != null) {
            all.put("_csrf", csrf);
        }
        String body = all.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
