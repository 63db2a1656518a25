package io.berth.stacks;

import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.StackSpec;
import io.berth.catalog.Catalog;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateRenderer;
import io.berth.metrics.BerthMetrics;
import io.berth.model.Amounts;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.model.User;
import io.berth.quota.Quotas;
import io.berth.store.StackStore;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack lifecycle: launch, stop, start again, delete. Requests only record the wish and queue a job; jobs move
 * the stack through its states with compare-and-set writes, so a double click launches once and every transition is
 * persisted before anything else sees it. Starts wait their turn in the {@link StartQueue} (first come, first served,
 * bounded by the host); stops and deletes run on the lifecycle pool at once.
 */
public final class StackService {
    private static final Logger LOG = LoggerFactory.getLogger(StackService.class);
    private static final int MAX_REASON = 3900;
    /** The event that opens each start; progress counts the events after it. */
    public static final String STARTING_EVENT = "Starting";

    private final StackStore store;
    private final StackEvents events;
    private final Catalog catalog;
    private final TemplateRenderer renderer;
    private final StackDetails details;
    private final Backend backend;
    private final StackChanges changes;
    private final ExecutorService jobs;
    private final StartQueue starts;
    /** Stacks with a job queued or running; the reconciler leaves them alone. */
    private final Set<Long> busy = ConcurrentHashMap.newKeySet();
    private final BerthMetrics metrics;
    private final Quotas quotas;
    private final LaunchChecks launchChecks;

    public StackService(StackStore store, StackEvents events, Catalog catalog, TemplateRenderer renderer,
                        Backend backend, StackChanges changes, ExecutorService jobs, StartQueue starts,
                        StackDetails details, BerthMetrics metrics, Quotas quotas) {
        this.starts = starts;
        this.metrics = metrics;
        this.quotas = quotas;
        this.store = store;
        this.events = events;
        this.renderer = renderer;
        this.details = details;
        this.catalog = catalog;
        this.backend = backend;
        this.changes = changes;
        this.jobs = jobs;
        this.launchChecks = new LaunchChecks(catalog, renderer, details);
    }

    /**
     * Records a new stack of {@code templateName} for {@code owner} with the given parameter values (missing ones
     * take their defaults), generates its secrets, and starts it in the background.
     */
    public Stack launch(User owner, String templateName, String stackName, Map<String, String> rawParams) {
        return launch(owner, templateName, stackName, rawParams, Map.of());
    }

    /**
     * {@link #launch(User, String, String, Map)} with some secrets given rather than generated (a clone of a backup
     * keeps the passwords its data was made with): only names the template declares, each 8-64 of
     * {@code [A-Za-z0-9]} like the generated ones (so none can break out of a command it is put into); others are
     * ignored and generated.
     */
    public Stack launch(User owner, String templateName, String stackName, Map<String, String> rawParams,
                        Map<String, String> givenSecrets) {
        LaunchChecks.Checked checked = launchChecks.check(owner, templateName, stackName, rawParams);
        Template template = checked.template();
        String name = checked.name();
        Map<String, String> params = checked.params();
        checkCanStart(template);
        Map<String, String> routeModes = new LinkedHashMap<>();
        template.services().stream().filter(s -> s.http() != null).forEach(s ->
                routeModes.put(s.name(), s.http().route().mode()));
        Map<String, String> secrets = new LinkedHashMap<>();
        template.secrets().forEach(secret -> {
            String given = givenSecrets.get(secret);
            secrets.put(secret, given != null && given.matches("[A-Za-z0-9]{8,64}") ? given : Secrets.generate());
        });
        Amounts takes = Quotas.of(template);
        java.util.Set<String> identity = new java.util.HashSet<>();
        template.services().stream().filter(s -> s.http() != null && s.http().identity())
                .forEach(s -> identity.add(s.name()));
        Stack stack = store.create(owner.id(), name, template.name(), routeModes, identity, params, secrets, takes,
                        h -> quotas.admit(h, owner.id(), owner.username(), name, takes))
                .orElseThrow(() -> BerthException.conflict("name",
                        "You already have a stack named \"" + name + "\"; choose another name or open that one."));
        LOG.info("stack \"{}\" of \"{}\" launched from template \"{}\"", name, owner.username(), template.name());
        events.add(stack.id(), "Launched from template " + template.name() + " by " + owner.username());
        submitStart(stack);
        return stack;
    }

    /** Starts a STOPPED or FAILED stack again. */
    public void start(Stack stack) {
        Template template = catalog.find(stack.template()).orElseThrow(() -> BerthException.conflict(null,
                "The template \"" + stack.template() + "\" of this stack is no longer in the catalog."));
        checkCanStart(template);
        Amounts takes = Quotas.of(template);
        if (!store.transition(stack.id(), StackState.STARTABLE, StackState.PENDING, takes,
                h -> quotas.admit(h, stack.ownerId(), stack.owner(), stack.name(), takes))) {
            throw BerthException.conflict(null, "The stack is " + current(stack) + "; only a stopped or failed stack can be started.");
        }
        moveRoutes(stack, template);
        changed(stack);
        submitStart(stack);
    }

    /** Stops a stack: its containers go, its data and record stay. */
    public void stop(Stack stack) {
        if (!store.transition(stack.id(), EnumSet.of(StackState.PENDING, StackState.STARTING, StackState.READY),
                StackState.STOPPING, null)) {
            throw BerthException.conflict(null, "The stack is " + current(stack) + " and cannot be stopped now.");
        }
        starts.withdraw(stack.id());
        changed(stack);
        submit(stack, () -> runStop(stack));
    }

    /**
     * Removes a stack and what it created; its stack-scoped volumes too unless {@code keepData}. The wish is written
     * first (DELETING), so once this returns the delete happens even if Berth is killed before the job ran.
     */
    public void delete(Stack stack, boolean keepData) {
        store.markDeleting(stack.id(), keepData);
        starts.withdraw(stack.id());
        changed(stack);
        submitDelete(stack, keepData);
    }

    /** Runs (again) the delete recorded for a DELETING stack, e.g. after a restart of Berth. */
    void submitDelete(Stack stack, boolean keepData) {
        submit(stack, () -> {
            backend.remove(stack.ref(), keepData);
            store.delete(stack.id());
            changes.publish(StackChange.of(stack, StackChange.Kind.DELETED));
            LOG.info("stack \"{}\" of \"{}\" deleted{}", stack.name(), stack.owner(), keepData ? " (data kept)" : " with its data");
        });
    }

    /** Services, links, connection strings and progress of stacks, for pages. */
    public StackDetails details() {
        return details;
    }

    /** Where this service (and the reconciler) say that a stack changed; progress streams listen here. */
    /** Each stack's history (pages and streams read it here). */
    public StackEvents events() {
        return events;
    }

    public StackChanges changes() {
        return changes;
    }

    public boolean busy(long stackId) {
        return busy.contains(stackId);
    }

    /**
     * Marks a stack busy for work done outside this service (a backup or restore of its data), so the reconciler
     * leaves it alone meanwhile: false, and nothing held, when a job of the stack is queued or running already.
     * Every true must be followed by {@link #release}.
     */
    public boolean hold(long stackId) {
        return busy.add(stackId);
    }

    /** Ends a {@link #hold}. */
    public void release(long stackId) {
        busy.remove(stackId);
    }

    /** Starts in line and running; the progress stream shows a waiting launch its place. */
    public StartQueue starts() {
        return starts;
    }

    void submitStart(Stack stack) {
        busy.add(stack.id());
        starts.submit(stack.id(), guarded(stack, () -> runStart(stack)));
    }

    void submitStop(Stack stack) {
        submit(stack, () -> runStop(stack));
    }

    /**
     * Refuses at once when no engine answers. A missing image is not checked here: the backend fails the start
     * at once with the image's name, so the stack shows FAILED with that reason (the catalog warns beforehand).
     */
    private void checkCanStart(Template template) {
        backend.unavailable().ifPresent(reason -> {
            throw BerthException.unavailable(reason);
        });
    }

    private void submit(Stack stack, Runnable job) {
        busy.add(stack.id());
        jobs.execute(guarded(stack, job));
    }

    private Runnable guarded(Stack stack, Runnable job) {
        return () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.error("job for stack \"{}\" of \"{}\" failed", stack.name(), stack.owner(), e);
                fail(stack, "Internal error: " + e.getMessage());
            } finally {
                busy.remove(stack.id());
            }
        };
    }

    /** Re-decides the stack's routes at a start (see {@link StackDetails#moveRoutes}), and says what moved. */
    private void moveRoutes(Stack stack, Template template) {
        Map<String, Template.Expose.Route> moved = details.moveRoutes(stack, template);
        if (!moved.isEmpty()) {
            events.add(stack.id(), "Served from now on " + moved.entrySet().stream().map(e -> e.getKey() + " on "
                    + (e.getValue() == Template.Expose.Route.HOST ? "a host of its own" : "a path of the portal"))
                    .toList());
            LOG.info("stack \"{}\" of \"{}\": routes now {}", stack.name(), stack.owner(), moved);
        }
    }

    private void runStart(Stack stack) {
        if (!store.transition(stack.id(), EnumSet.of(StackState.PENDING, StackState.STARTING), StackState.STARTING, null)) {
            return; // stopped or deleted before the job ran
        }
        changed(stack);
        events.add(stack.id(), STARTING_EVENT);
        Template template = details.templateOf(stack).orElse(null);
        if (template == null) {
            failLaunch(stack, "The template \"" + stack.template() + "\" is no longer in the catalog.");
            return;
        }
        long began = System.nanoTime();
        StackSpec spec;
        try {
            spec = renderer.render(template, details.context(stack));
        } catch (IllegalArgumentException e) {
            failLaunch(stack, e.getMessage());
            return;
        }
        try {
            List<Endpoint> endpoints = backend.start(spec,
                    step -> events.add(stack.id(), step));
            store.setTargets(stack.id(), endpoints);
            if (store.transition(stack.id(), EnumSet.of(StackState.STARTING), StackState.READY, null)) {
                metrics.launched(System.nanoTime() - began);
                long ms = (System.nanoTime() - began) / 1_000_000;
                events.add(stack.id(), "Ready in " + ms + " ms");
                LOG.info("stack \"{}\" of \"{}\" is READY ({} ms)", stack.name(), stack.owner(), ms);
            } else {
                // Stopped while starting: the stop job may have run before our containers existed.
                backend.stop(stack.ref());
            }
        } catch (BackendException e) {
            failLaunch(stack, e.getMessage());
        }
        changed(stack);
    }

    private void failLaunch(Stack stack, String reason) {
        metrics.launchFailed(reason);
        fail(stack, reason);
    }

    private void runStop(Stack stack) {
        // graceful: the page shows which service it is waiting for, if one takes more than a second to shut down
        backend.stop(stack.ref(), step -> events.add(stack.id(), step));
        store.setTargets(stack.id(), List.of());
        if (store.transition(stack.id(), EnumSet.of(StackState.STOPPING), StackState.STOPPED, null)) {
            events.add(stack.id(), "Stopped");
            LOG.info("stack \"{}\" of \"{}\" is STOPPED", stack.name(), stack.owner());
        }
        changed(stack);
    }

    void fail(Stack stack, String reason) {
        String text = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        // a stopped or deleting stack stays so: a job that fails late must not undo a stop or a delete
        EnumSet<StackState> from = EnumSet.complementOf(EnumSet.of(StackState.STOPPED, StackState.DELETING));
        if (store.transition(stack.id(), from, StackState.FAILED, text)) {
            events.add(stack.id(), "Failed: " + text);
            LOG.warn("stack \"{}\" of \"{}\" FAILED: {}", stack.name(), stack.owner(), firstLine(text));
        }
        changed(stack);
    }

    /** A FAILED stack whose containers run again (Docker restarted them) becomes READY; returns whether it did. */
    boolean recovered(Stack stack) {
        if (!store.transition(stack.id(), EnumSet.of(StackState.FAILED), StackState.READY, null)) {
            return false;
        }
        events.add(stack.id(), "Running again (Docker restarted its containers)");
        changed(stack);
        return true;
    }

    private StackState current(Stack stack) {
        return store.byId(stack.id()).map(Stack::state).orElse(StackState.STOPPED);
    }

    /** Says that the stack's state (and what a transition writes with it) changed in the store. */
    private void changed(Stack stack) {
        changes.publish(StackChange.of(stack, StackChange.Kind.STATE));
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
