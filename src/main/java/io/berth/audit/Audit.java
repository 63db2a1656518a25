package io.berth.audit;

import io.berth.auth.Session;
import io.berth.store.AuditStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: who did what to what, when, from which address, and the result. Every state-changing request to
 * the pages and the API is recorded by {@link #after} once answered (so nothing can be forgotten by a new route);
 * Berth's own actions (culls) through {@link #record}. Only names and statuses are stored — never a body, a
 * password or a token.
 */
public final class Audit {
    /** Request attribute: the user name acting, when there is no session (logins, API tokens). */
    public static final String ACTOR = "berth.actor";
    /** Request attribute: the target, when the path does not say it ({@code alice/lab} for a launch). */
    public static final String TARGET = "berth.audit.target";
    /** Request attribute: an action name that makes even a GET count (the single sign-on callback logs in). */
    public static final String ACTION = "berth.audit.action";
    /** Request attribute: a short explanation of a refusal (the error's message). */
    public static final String DETAIL = "berth.audit.detail";
    /** Actor of the entries Berth writes about itself (culls, sweeps). */
    public static final String BERTH = "berth";
    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("POST /login", "login"),
            Map.entry("POST /logout", "logout"),
            Map.entry("POST /stacks", "stack.launch"),
            Map.entry("POST /stacks/{owner}/{name}/stop", "stack.stop"),
            Map.entry("POST /stacks/{owner}/{name}/start", "stack.start"),
            Map.entry("POST /stacks/{owner}/{name}/delete", "stack.delete"),
            Map.entry("DELETE /stacks/{owner}/{name}", "stack.delete"),
            Map.entry("POST /tokens", "token.create"),
            Map.entry("POST /tokens/{id}/revoke", "token.revoke"),
            Map.entry("DELETE /tokens/{id}", "token.revoke"),
            Map.entry("POST /admin/users", "user.create"),
            Map.entry("POST /stacks/{owner}/{name}/shares", "stack.share"),
            Map.entry("POST /stacks/{owner}/{name}/shares/{kind}/{subject}/revoke", "stack.unshare"),
            Map.entry("DELETE /stacks/{owner}/{name}/shares/{kind}/{subject}", "stack.unshare"),
            Map.entry("POST /admin/locks/unlock", "login.unlock"),
            Map.entry("POST /stacks/{owner}/{name}/backups", "backup.create"),
            Map.entry("POST /backups", "backup.upload"),
            Map.entry("POST /backups/{id}/restore", "backup.restore"),
            Map.entry("POST /stacks/{owner}/{name}/backups/{id}/restore", "backup.restore"),
            Map.entry("POST /stacks/{owner}/{name}/backups/{id}/clone", "backup.clone"),
            Map.entry("DELETE /admin/locks/{key}", "login.unlock"));

    private final AuditStore store;
    private final Duration retention;

    /** @param retentionDays days entries are kept; 0: forever */
    public Audit(AuditStore store, int retentionDays) {
        this.store = store;
        this.retention = retentionDays <= 0 ? null : Duration.ofDays(retentionDays);
    }

    /**
     * Records an action that did not pass through a page or API route, so {@link #after} did not see it: the idle
     * culler's stops, jobs, events the proxy notices. Safe to call from any thread; never throws (a failed write is
     * logged at WARN). Pass names and short reasons only — never a password, token or request body.
     *
     * @param actor   the user acting, or null for Berth itself (stored as {@value #BERTH})
     * @param action  a stable dotted name: {@code stack.cull}, {@code login.sso}
     * @param target  what it acted on ({@code alice/lab}, a user name), or null
     * @param address the client's IP address, or null when there was no client
     * @param result  the HTTP status answered, or 0 when there was no request
     * @param detail  a short explanation (up to 1000 characters are kept), or null
     */
    public void record(String actor, String action, String target, String address, int result, String detail) {
        write(actor == null ? BERTH : actor, action, target, address, result, detail);
    }

    /** {@link #record(String, String, String, String, int, String)} without an address, result 0. */
    public void record(String actor, String action, String target, String detail) {
        record(actor, action, target, null, 0, detail);
    }

    /** Runs after every request: records it when it changed (or tried to change) something. */
    public void after(Context ctx) {
        String named = ctx.attribute(ACTION);
        HandlerType method = ctx.method();
        if (named == null && (method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS)) {
            return;
        }
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        String pattern = endpoint == null ? ctx.path() : endpoint.path;
        String route = method.name() + " " + (pattern.startsWith("/api/v1/") ? pattern.substring(7) : pattern);
        String action = named != null ? named : NAMES.getOrDefault(route, route);
        String target = ctx.attribute(TARGET);
        if (target == null) {
            target = parameters(pattern, ctx.path());
        }
        String actor = ctx.attribute(ACTOR);
        if (actor == null && ctx.attribute(Session.ATTRIBUTE) instanceof Session session) {
            actor = session.user().username();
        }
        write(actor, action, target, ctx.ip(), ctx.statusCode(), ctx.attribute(DETAIL));
    }

    /** The values of a route's {@code {parameters}} in a path, joined with "/" ({@code alice/lab}); null if none. */
    static String parameters(String pattern, String path) {
        String[] names = pattern.split("/");
        String[] values = path.split("/");
        java.util.List<String> found = new java.util.ArrayList<>();
        for (int i = 0; i < names.length && i < values.length; i++) {
            if (names[i].startsWith("{")) {
                found.add(values[i]);
            }
        }
        return found.isEmpty() ? null : String.join("/", found);
    }

    /** Deletes entries past the retention (run daily). */
    public int sweep() {
        return retention == null ? 0 : store.deleteOlderThan(Instant.now().minus(retention));
    }

    private void write(String actor, String action, String target, String address, int result, String detail) {
        try {
            store.add(Instant.now(), actor, action, target, address, result, detail);
        } catch (RuntimeException e) { // the audit log must never break what it records
            LOG.warn("audit entry {} {} {} not written: {}", actor, action, target, e.toString());
        }
    }
}
