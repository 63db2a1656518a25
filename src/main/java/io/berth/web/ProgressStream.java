package io.berth.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.ApiV1;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackEvent;
import io.berth.model.StackState;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackChange;
import io.berth.stacks.StackEvents;
import io.berth.stacks.StackService;
import io.berth.stacks.StartQueue;
import io.berth.store.StackStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.sse.SseClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /stacks/<owner>/<name>/progress}: a stack's events as server-sent events while it changes, each with
 * the stack's state and a percentage for the progress bar; ends with a {@code done} event once the stack settles
 * (READY, FAILED, STOPPED). Every past event is replayed first (a stream opened after a failure still shows its
 * reason); reconnecting browsers send {@code Last-Event-ID} and get only what they missed. While the start waits in
 * the {@link io.berth.stacks.StartQueue}, {@code queue} events say how many launches are ahead of it
 * ({@code {"queued": true, "ahead": 3, "message": "3 launches ahead of yours"}}), one each time the line moves,
 * and {@code {"queued": false}} once the start runs.
 */
public final class ProgressStream {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a stream opened right after a stack settled waits for the event that says why (FAILED's reason). */
    private static final java.time.Duration SETTLE_EVENT_WAIT = java.time.Duration.ofSeconds(2);

    private final StackStore store;
    private final StackEvents events;
    private final StackService stacks;
    private final StackAccess access;

    public ProgressStream(StackStore store, StackEvents events, StackService stacks, StackAccess access) {
        this.access = access;
        this.store = store;
        this.events = events;
        this.stacks = stacks;
    }

    public void register(RoutesConfig routes) {
        routes.sse("/stacks/{owner}/{name}/progress", this::stream);
        routes.sse(ApiV1.BASE + "/stacks/{owner}/{name}/progress", this::stream);
    }

    private void stream(SseClient client) {
        Stack stack;
        try {
            stack = Guard.stack(client.ctx(), access, StackAccess.Action.VIEW);
        } catch (BerthException e) {
            client.ctx().status(e.status());
            client.close();
            return;
        }
        client.keepAlive();
        Watcher watcher = new Watcher(client, stack, lastEventId(client));
        AutoCloseable watch = events.watch(stack.id(), event -> watcher.pump());
        // A change of state wakes it too (a deleted stack has no event left to tell): pump reads what is new.
        AutoCloseable changes = stacks.changes().subscribe(change -> {
            if (change.stackId() == stack.id() && change.kind() != StackChange.Kind.TARGETS) {
                watcher.pump();
            }
        });
        AutoCloseable queue = stacks.starts().onMove(watcher::queueMoved);
        client.onClose(() -> {
            close(watch);
            close(changes);
            close(queue);
        });
        // What happened before this page asked, then done if the stack has settled. A stack that has just settled
        // may not have written the event that says so yet (the state is written first): wait for it a little.
        long deadline = System.nanoTime() + SETTLE_EVENT_WAIT.toNanos();
        while (!watcher.pump() && watcher.settledWithoutItsEvent() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!watcher.finishIfSettled(true)) {
            watcher.queueMoved();
        }
    }

    /**
     * Sends each event once, in id order, with the state and progress it leaves the stack in. A new event or a
     * published {@link StackChange} only wakes it: it reads the events it has not seen yet from the store, so events
     * racing the first read are neither lost nor sent out of order, and each event is read once (an event handed
     * over directly could arrive before, or between, those the first read returns).
     */
    private final class Watcher {
        private final SseClient client;
        private final Stack stack;
        private final int expected;
        private long lastSent;
        private long startedAt = -1;
        private long counted;
        private int since;
        private java.time.Instant lastAt = java.time.Instant.EPOCH;
        /** The place in line last sent; -1 when none was (or the start runs). */
        private int lastAhead = -1;

        Watcher(SseClient client, Stack stack, long lastSent) {
            this.client = client;
            this.stack = stack;
            this.lastSent = lastSent;
            this.expected = stacks.details().expectedStartEvents(stack);
        }

        /** Sends the events not sent yet, then done if the stack settled and said so; returns whether it ended. */
        synchronized boolean pump() {
            for (StackEvent event : events.after(stack.id(), counted)) {
                count(event);
                if (event.id() > lastSent && !client.terminated()) {
                    send(event);
                }
            }
            return finishIfSettled(false);
        }

        private void count(StackEvent event) {
            counted = event.id();
            lastAt = event.at();
            if (event.message().equals(StackService.STARTING_EVENT)) {
                startedAt = event.id();
                since = 0;
            }
            if (startedAt >= 0) {
                since++;
            }
        }

        private void send(StackEvent event) {
            lastSent = event.id();
            StackState state = store.byId(stack.id()).map(Stack::state).orElse(StackState.STOPPED);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("message", event.message());
            data.put("at", event.at().toString());
            data.put("state", state.name());
            data.put("percent", state == StackState.READY ? 100 : Math.min(99, since * 100 / Math.max(1, expected)));
            client.sendEvent("progress", json(data), Long.toString(event.id()));
        }

        /** Sends the start's place in line when it changed, and once that it left the line. */
        synchronized void queueMoved() {
            if (client.terminated()) {
                return;
            }
            int ahead = stacks.starts().ahead(stack.id()).orElse(-1);
            if (ahead == lastAhead) {
                return;
            }
            lastAhead = ahead;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("queued", ahead >= 0);
            if (ahead >= 0) {
                data.put("ahead", ahead);
                data.put("message", StartQueue.describe(ahead));
            }
            client.sendEvent("queue", json(data));
        }

        /** Whether the stack settled after its last event: the event saying how (a reason) is still to come. */
        synchronized boolean settledWithoutItsEvent() {
            Stack now = store.byId(stack.id()).orElse(null);
            return now != null && !now.state().inProgress() && now.updatedAt().isAfter(lastAt)
                    && now.updatedAt().isAfter(java.time.Instant.now().minus(SETTLE_EVENT_WAIT.multipliedBy(2)));
        }

        /**
         * Ends the stream with done once the stack has settled and its settling event was sent (or, with
         * {@code anyway}, when waiting for that event is over); returns whether the stream ended.
         */
        synchronized boolean finishIfSettled(boolean anyway) {
            if (client.terminated()) {
                return true;
            }
            Stack now = store.byId(stack.id()).orElse(null);
            StackState state = now == null ? StackState.STOPPED : now.state();
            if (state.inProgress() || !anyway && now != null && now.updatedAt().isAfter(lastAt)) {
                return false;
            }
            client.sendEvent("done", json(Map.of("state", state.name())));
            client.close();
            return true;
        }
    }

    private static long lastEventId(SseClient client) {
        try {
            String header = client.ctx().header("Last-Event-ID");
            return header == null ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void close(AutoCloseable watch) {
        try {
            watch.close();
        } catch (Exception e) {
            LOG.debug("closing a progress watch: {}", e.toString());
        }
    }
}
