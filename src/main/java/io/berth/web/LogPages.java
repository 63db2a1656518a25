package io.berth.web;

import io.berth.api.ApiV1;
import io.berth.backend.Backend;
import io.berth.backend.LogText;
import io.berth.model.BerthException;
import io.berth.model.QueryNumbers;
import io.berth.model.Stack;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.stacks.StackService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's logs: a page that follows them live (server-sent events, auto-scrolling), and a plain-text
 * download of the last lines. Lines go from the engine to the browser one by one; a slow browser slows only its
 * own stream (the engine's stream waits on it), so nothing piles up in Berth.
 */
public final class LogPages {
    private static final Logger LOG = LoggerFactory.getLogger(LogPages.class);
    /** Lines shown when the page opens, before following. */
    static final int PAGE_TAIL = 500;
    /** Lines in a download. */
    static final int DOWNLOAD_TAIL = 10_000;
    /** A download stops at this many characters (about 8 MiB), with a note, whatever the line count. */
    static final int DOWNLOAD_MAX_CHARS = 8 << 20;

    private final StackAccess access;
    private final StackService stacks;
    private final Backend backend;
    private final Views views;

    public LogPages(StackAccess access, StackService stacks, Backend backend, Views views) {
        this.access = access;
        this.stacks = stacks;
        this.backend = backend;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        // An event stream answers 200 with its headers before its handler runs, so a stack the caller may not see
        // (or a service it does not have) is refused here, first, with the same 404 as every other page.
        for (String stream : List.of("/stacks/{owner}/{name}/logs/{service}/stream",
                ApiV1.BASE + "/stacks/{owner}/{name}/logs/{service}/stream")) {
            routes.before(stream, ctx -> service(ctx, Guard.stack(ctx, access, Action.VIEW)));
        }
        routes.get("/stacks/{owner}/{name}/logs/{service}", this::page);
        routes.sse("/stacks/{owner}/{name}/logs/{service}/stream", this::stream);
        routes.get("/stacks/{owner}/{name}/logs/{service}/download", this::download);
        // The API: the last lines as text (?tail=N), or following them as server-sent events.
        routes.get(ApiV1.BASE + "/stacks/{owner}/{name}/logs/{service}", this::download);
        routes.sse(ApiV1.BASE + "/stacks/{owner}/{name}/logs/{service}/stream", this::stream);
    }

    private String service(Context ctx, Stack stack) {
        String service = ctx.pathParam("service");
        if (!stacks.details().serviceNames(stack).contains(service)) {
            throw BerthException.notFound("This stack has no service \"" + service + "\".");
        }
        return service;
    }

    private void page(Context ctx) {
        Stack stack = Guard.stack(ctx, access, Action.VIEW);
        String service = service(ctx, stack);
        Map<String, Object> params = new HashMap<>();
        params.put("page", Guard.page(ctx));
        params.put("stack", stack);
        params.put("service", service);
        views.render(ctx, "logs.jte", params);
    }

    private void stream(SseClient client) {
        Stack stack;
        String service;
        try {
            stack = Guard.stack(client.ctx(), access, Action.VIEW);
            service = service(client.ctx(), stack);
        } catch (BerthException e) {
            client.ctx().status(e.status());
            client.close();
            return;
        }
        client.keepAlive();
        Backend.LogStream logs = backend.logs(stack.ref(), service, PAGE_TAIL, true, new Backend.LogSink() {
            @Override
            public void line(String text) {
                send(client, "line", text);
            }

            @Override
            public void end(String reason) {
                send(client, "end", reason == null ? "" : reason);
                quietly(client::close);
            }
        });
        client.onClose(logs::close);
    }

    /** Sends to a browser that may have gone (or a server that is stopping): then there is no one left to tell. */
    private static void send(SseClient client, String event, String data) {
        if (!client.terminated()) {
            quietly(() -> client.sendEvent(event, data));
        }
    }

    /**
     * Runs a send or close that may meet a request already over: the servlet API answers that with an
     * {@link IllegalStateException} (a response or async context completed), a write with an
     * {@link UncheckedIOException}; the stream's own close then ends the engine's side. Anything else is a fault: it reaches the log stream, which
     * logs it with its stack trace and ends the stream.
     */
    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (IllegalStateException | UncheckedIOException e) {
            LOG.debug("log stream to a request that is over: {}", e.toString());
        }
    }

    private void download(Context ctx) throws InterruptedException {
        Stack stack = Guard.stack(ctx, access, Action.VIEW);
        String service = service(ctx, stack);
        // ?tail=N (the API): 1 to DOWNLOAD_TAIL lines, which is also the default
        int tail = QueryNumbers.parse("tail", ctx.queryParam("tail"), DOWNLOAD_TAIL, (long) DOWNLOAD_TAIL).intValue();
        LogText log = new LogText(DOWNLOAD_MAX_CHARS);
        try (Backend.LogStream ignored = backend.logs(stack.ref(), service, tail, false, log)) {
            log.await(Duration.ofSeconds(30));
        }
        String text = log.text() + (log.reason() == null ? "" : "[" + log.reason() + "]\n");
        ctx.header("Content-Disposition", "attachment; filename=\"" + stack.name() + "-" + service + ".log\"");
        ctx.contentType("text/plain; charset=utf-8").result(text);
    }
}
