package io.berth.stacks;

import io.berth.backend.Backend;
import io.berth.backend.LogText;
import io.berth.backend.ServiceStatus;
import io.berth.model.Stack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Services of READY stacks that the engine keeps restarting (Docker's restart policy; a crash that comes back is
 * invisible in the stack's state otherwise). The reconciler reports each pass's statuses here; pages and the API read
 * "restarting (N times in T s), last exit X: last log line" per service; once a service reaches
 * {@code docker.crash_loop_restarts} restarts within the window, {@link #observe} answers the reason to fail its
 * stack with.
 */
public final class CrashLoops {
    private static final int MAX_LINE = 300;
    private static final Duration LOG_WAIT = Duration.ofSeconds(2);

    /** Told once per stack failed for a crash loop (the audit log, /metrics). */
    public interface Listener {
        void crashLooped(Stack stack, String reason);
    }

    /** How long before a loop's first restart a kill for memory still explains its exits. */
    private static final Duration KILL_SLACK = Duration.ofSeconds(10);

    private final Backend backend;
    private final int limit;
    private final Listener listener;
    private final OomKills oomKills;
    /** Stack id → service → what was last said about it; only services with restarts in the window. */
    private final Map<Long, Map<String, Note>> notes = new ConcurrentHashMap<>();

    private record Note(int restarts, String text) { }

    /** @param limit restarts within the engine's window that fail a stack; 0: never fail, only show */
    public CrashLoops(Backend backend, int limit, OomKills oomKills, Listener listener) {
        this.backend = backend;
        this.oomKills = oomKills;
        this.limit = limit;
        this.listener = listener;
    }

    /**
     * The stack was failed with the reason {@link #observe} gave. Its notes stay (the reconciler forgets them once the
     * stack is started, stopped or deleted): until the proxy's cache learns the new state, a request that still finds
     * the stack READY while its containers go gets "being restarted", not a bare 502. Pages show restarts of READY
     * stacks only.
     */
    void failed(Stack stack, String reason) {
        listener.crashLooped(stack, reason);
    }

    /** What is said about the stack's restarting services now, one line each ("web: restarting (…)"). */
    public List<String> of(long stackId) {
        Map<String, Note> mine = notes.get(stackId);
        return mine == null ? List.of() : mine.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().text())
                .toList();
    }

    /** Whether the engine restarted this service of the stack lately (the proxy's "being restarted" answer). */
    public boolean restarting(long stackId, String service) {
        Map<String, Note> mine = notes.get(stackId);
        return mine != null && mine.containsKey(service);
    }

    /** Forgets every stack but these (deleted, stopped or restarted ones say nothing about restarts any more). */
    void keepOnly(Set<Long> ids) {
        notes.keySet().retainAll(ids);
    }

    /** Records one pass's statuses of a READY stack; the reason to fail it with once a service loops too often. */
    Optional<String> observe(Stack stack, List<ServiceStatus> services) {
        Map<String, Note> next = new TreeMap<>();
        Map<String, Note> before = notes.getOrDefault(stack.id(), Map.of());
        String failure = null;
        for (ServiceStatus s : services) {
            if (s.restarts() <= 0) {
                continue;
            }
            Note old = before.get(s.service());
            // the log is read only when the count changed: a pass over a quiet loop costs no engine call
            Note note = old != null && old.restarts() == s.restarts() ? old
                    : new Note(s.restarts(), describe(stack, s));
            next.put(s.service(), note);
            if (limit > 0 && s.restarts() >= limit && failure == null) {
                failure = "Crash loop: service \"" + s.service() + "\" " + note.text();
            }
        }
        if (next.isEmpty()) {
            notes.remove(stack.id());
        } else {
            notes.put(stack.id(), next);
        }
        return Optional.ofNullable(failure);
    }

    private String describe(Stack stack, ServiceStatus s) {
        long seconds = s.firstRestart() == null ? 0
                : Math.max(0, Duration.between(s.firstRestart(), Instant.now()).toSeconds());
        Instant loopBegan = s.firstRestart() == null ? Instant.now() : s.firstRestart();
        // the engine's exit code (137) says SIGKILL only; the kernel's out-of-memory kill is the why
        boolean memory = s.lastExit() != null && s.lastExit() == 137
                && oomKills.killedSince(stack.id(), s.service(), loopBegan.minus(KILL_SLACK));
        return "restarting (" + s.restarts() + (s.restarts() == 1 ? " time" : " times") + " in " + seconds + " s), last exit "
                + (s.lastExit() == null ? "unknown" : s.lastExit()) + (memory ? " (killed: out of memory)" : "") + ": "
                + lastLine(stack, s.service());
    }

    private String lastLine(Stack stack, String service) {
        LogText log = new LogText(4 * MAX_LINE);
        try (Backend.LogStream ignored = backend.logs(stack.ref(), service, 1, false, log)) {
            log.await(LOG_WAIT);
        } catch (RuntimeException e) {
            return "(log not readable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text = log.text().strip();
        int nl = text.lastIndexOf('\n');
        String line = nl < 0 ? text : text.substring(nl + 1);
        return line.isEmpty() ? "(no log line)" : line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
    }
}
