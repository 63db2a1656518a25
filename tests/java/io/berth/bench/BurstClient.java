package io.berth.bench;

import io.berth.testing.PortalClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The client half of deploy/bench/burst-bench.sh: against a running Berth, launches {@code count} stacks of
 * {@code template} at once through {@code POST /api/v1/stacks} (one thread each, released together), and measures
 * for each when its service first answers 200 through Berth's proxy. To keep the measuring cheap for Berth, each
 * client first follows its stack's progress stream (one idle connection) until it ends, and only then asks the proxy,
 * every 20 ms (at {@code /user/admin/<stack>/web/<probe path>}). Prints one line: {@code served_ms=<sorted times>
 * first=… median=… all=… failed=…}, milliseconds from the release of the launches.
 * Usage: {@code BurstClient <url> <admin password> <template> <count> <name prefix> [probe path]}; with {@code stop}
 * for the template, stops the {@code count} stacks of that prefix at once through {@code POST …/stop} and prints
 * {@code stop_all=…}, milliseconds until the last is STOPPED (-1: one was not within three minutes).
 */
public final class BurstClient {
    private static final Duration LIMIT = Duration.ofSeconds(180);

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String password = args[1];
        String template = args[2];
        int count = Integer.parseInt(args[3]);
        String prefix = args[4];
        String probe = args.length > 5 ? args[5] : "";
        String token = new PortalClient(url).login("admin", password).createToken(prefix + (template.equals("stop") ? "-stop" : ""), "launch read access");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService clients = Executors.newFixedThreadPool(count);
        if (template.equals("stop")) {
            System.out.println("stop_all=" + stopAll(http, url, token, prefix, count, clients));
            clients.shutdownNow();
            return;
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> served = new ArrayList<>();
        long[] released = new long[1];
        for (int i = 1; i <= count; i++) {
            String name = prefix + i;
            served.add(clients.submit(() -> {
                go.await();
                HttpResponse<String> r = http.send(api(url, token, "/api/v1/stacks")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"template\":\"" + template + "\",\"name\":\"" + name + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("launch of " + name + ": " + r.statusCode() + " " + r.body());
                }
                // the stream ends with "done" once the stack settles; its body is not needed
                http.send(api(url, token, "/api/v1/stacks/admin/" + name + "/progress")
                        .header("Accept", "text/event-stream").timeout(LIMIT).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (System.nanoTime() < deadline) {
                    HttpResponse<Void> page = http.send(api(url, token, "/user/admin/" + name + "/web/" + probe).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (page.statusCode() == 200) {
                        return (System.nanoTime() - released[0]) / 1_000_000;
                    }
                    Thread.sleep(20);
                }
                return -1L;
            }));
        }
        released[0] = System.nanoTime();
        go.countDown();
        List<Long> times = new ArrayList<>();
        int failed = 0;
        for (Future<Long> f : served) {
            try {
                long ms = f.get();
                if (ms < 0) {
                    failed++;
                } else {
                    times.add(ms);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                System.err.println(e.getCause().getMessage());
                failed++;
            }
        }
        clients.shutdownNow();
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        long first = sorted.length == 0 ? -1 : sorted[0];
        long all = sorted.length == 0 ? -1 : sorted[sorted.length - 1];
        long median = sorted.length == 0 ? -1 : sorted[(sorted.length - 1) / 2];
        System.out.println("served_ms=" + Arrays.toString(sorted).replace(" ", "") + " first=" + first + " median="
                + median + " all=" + all + " failed=" + failed);
    }

    /** Stops the {@code count} stacks at once; ms until the last is STOPPED, or -1 if one is not within the limit. */
    private static long stopAll(HttpClient http, String url, String token, String prefix, int count,
                                ExecutorService clients) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> asked = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String path = "/api/v1/stacks/admin/" + prefix + i;
            asked.add(clients.submit(() -> {
                go.await();
                return http.send(api(url, token, path + "/stop").POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            }));
        }
        long began = System.nanoTime();
        go.countDown();
        for (Future<Integer> f : asked) {
            if (f.get() != 202) {
                return -1;
            }
        }
        long deadline = began + LIMIT.toNanos();
        for (int i = 1; i <= count; i++) {
            while (!http.send(api(url, token, "/api/v1/stacks/admin/" + prefix + i).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"state\":\"STOPPED\"")) {
                if (System.nanoTime() > deadline) {
                    return -1;
                }
                Thread.sleep(20);
            }
        }
        return (System.nanoTime() - began) / 1_000_000;
    }

    private static HttpRequest.Builder api(String url, String token, String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token);
    }
}
