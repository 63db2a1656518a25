package io.berth.stacks;

import io.berth.auth.User;
import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.StackSpec;
import io.berth.catalog.Catalog;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateParser;
import io.berth.proxy.Route;
import io.berth.proxy.RouteTable;
import io.berth.store.StackStore;
import io.berth.web.BerthException;
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
 * The stack lifecycle: launch, stop, start again, delete. Requests only record the wish and queue a job; jobs run
 * on a bounded pool and move the stack through its states with compare-and-set writes, so a double click launches
 * once and every transition is persisted before anything else sees it.
 */
public final class StackService {
    private static final Logger LOG = LoggerFactory.getLogger(StackService.class);
    private static final int MAX_REASON = 3900;

    private final StackStore store;
    private final Catalog catalog;
    private final Backend backend;
    private final RouteTable routes;
    private final ExecutorService jobs;
    /** Stacks with a job queued or running; the reconciler leaves them alone. */
    private final Set<Long> busy = ConcurrentHashMap.newKeySet();

    public StackService(StackStore store, Catalog catalog, Backend backend, RouteTable routes, ExecutorService jobs) {
        this.store = store;
        this.catalog = catalog;
        this.backend = backend;
        this.routes = routes;
        this.jobs = jobs;
    }

    /** Records a new stack of {@code templateName} for {@code owner} and starts it in the background. */
    public Stack launch(User owner, String templateName, String stackName) {
        Template template = catalog.find(templateName == null ? "" : templateName)
                .orElseThrow(() -> BerthException.badRequest("template", "There is no template \"" + templateName + "\"."));
        String name = stackName == null || stackName.isBlank() ? template.name() : stackName.trim();
        if (!TemplateParser.SLUG.matcher(name).matches()) {
            throw BerthException.badRequest("name",
                    "A stack name is 1-30 characters: lower-case letters, digits and -, starting with a letter or digit.");
        }
        checkCanStart(template);
        Stack stack = store.create(owner.id(), name, template.name(), template.httpServices())
                .orElseThrow(() -> BerthException.conflict("name",
                        "You already have a stack named \"" + name + "\"; choose another name or open that one."));
        LOG.info("stack \"{}\" of \"{}\" launched from template \"{}\"", name, owner.username(), template.name());
        store.addEvent(stack.id(), "Launched from template " + template.name() + " by " + owner.username());
        submitStart(stack);
        return stack;
    }

    /** Starts a STOPPED or FAILED stack again. */
    public void start(Stack stack) {
        Template template = catalog.find(stack.template()).orElseThrow(() -> BerthException.conflict(null,
                "The template \"" + stack.template() + "\" of this stack is no longer in the catalog."));
        checkCanStart(template);
        if (!store.transition(stack.id(), StackState.STARTABLE, StackState.PENDING, null)) {
            throw BerthException.conflict(null, "The stack is " + current(stack) + "; only a stopped or failed stack can be started.");
        }
        changed(stack);
        submitStart(stack);
    }

    /** Stops a stack: its containers go, its data and record stay. */
    public void stop(Stack stack) {
        if (!store.transition(stack.id(), EnumSet.of(StackState.PENDING, StackState.STARTING, StackState.READY),
                StackState.STOPPING, null)) {
            throw BerthException.conflict(null, "The stack is " + current(stack) + " and cannot be stopped now.");
        }
        changed(stack);
        submit(stack, () -> runStop(stack));
    }

    /** Removes a stack and everything it created. */
    public void delete(Stack stack) {
        StackState state = current(stack);
        if (state == StackState.PENDING || state == StackState.STARTING || state == StackState.READY) {
            store.transition(stack.id(), StackState.ACTIVE, StackState.STOPPING, null);
        }
        changed(stack);
        submit(stack, () -> {
            backend.remove(stack.ref());
            store.delete(stack.id());
            routes.invalidate(stack.owner(), stack.name());
            LOG.info("stack \"{}\" of \"{}\" deleted", stack.name(), stack.owner());
        });
    }

    public boolean busy(long stackId) {
        return busy.contains(stackId);
    }

    void submitStart(Stack stack) {
        submit(stack, () -> runStart(stack));
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
        jobs.execute(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.error("job for stack \"{}\" of \"{}\" failed", stack.name(), stack.owner(), e);
                fail(stack, "Internal error: " + e.getMessage());
            } finally {
                busy.remove(stack.id());
            }
        });
    }

    private void runStart(Stack stack) {
        if (!store.transition(stack.id(), EnumSet.of(StackState.PENDING, StackState.STARTING), StackState.STARTING, null)) {
            return; // stopped or deleted before the job ran
        }
        changed(stack);
        Template template = catalog.find(stack.template()).orElse(null);
        if (template == null) {
            fail(stack, "The template \"" + stack.template() + "\" is no longer in the catalog.");
            return;
        }
        long began = System.nanoTime();
        try {
            List<Endpoint> endpoints = backend.start(spec(stack, template), step -> store.addEvent(stack.id(), step));
            store.setTargets(stack.id(), endpoints);
            if (store.transition(stack.id(), EnumSet.of(StackState.STARTING), StackState.READY, null)) {
                long ms = (System.nanoTime() - began) / 1_000_000;
                store.addEvent(stack.id(), "Ready in " + ms + " ms");
                LOG.info("stack \"{}\" of \"{}\" is READY ({} ms)", stack.name(), stack.owner(), ms);
            } else {
                // Stopped while starting: the stop job may have run before our containers existed.
                backend.stop(stack.ref());
            }
        } catch (BackendException e) {
            fail(stack, e.getMessage());
        }
        changed(stack);
    }

    private void runStop(Stack stack) {
        backend.stop(stack.ref());
        store.setTargets(stack.id(), List.of());
        if (store.transition(stack.id(), EnumSet.of(StackState.STOPPING), StackState.STOPPED, null)) {
            store.addEvent(stack.id(), "Stopped");
            LOG.info("stack \"{}\" of \"{}\" is STOPPED", stack.name(), stack.owner());
        }
        changed(stack);
    }

    void fail(Stack stack, String reason) {
        String text = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        if (store.transition(stack.id(), EnumSet.complementOf(EnumSet.of(StackState.STOPPED)), StackState.FAILED, text)) {
            store.addEvent(stack.id(), "Failed: " + text);
            LOG.warn("stack \"{}\" of \"{}\" FAILED: {}", stack.name(), stack.owner(), firstLine(text));
        }
        changed(stack);
    }

    /** The backend's view of a template for one stack: names resolved, the prefix each app is served under. */
    static StackSpec spec(Stack stack, Template template) {
        List<StackSpec.ServiceSpec> services = template.services().stream().map(s -> {
            Map<String, String> env = new LinkedHashMap<>(s.env());
            env.put("BERTH_USER", stack.owner());
            env.put("BERTH_STACK", stack.name());
            env.put("BERTH_SERVICE", s.name());
            env.put("BERTH_PREFIX", Route.prefix(stack.owner(), stack.name(), s.name()));
            return new StackSpec.ServiceSpec(s.name(), s.image(), s.command(), env,
                    s.httpPort() == null ? 0 : s.httpPort());
        }).toList();
        return new StackSpec(stack.ref(), services);
    }

    private StackState current(Stack stack) {
        return store.byId(stack.id()).map(Stack::state).orElse(StackState.STOPPED);
    }

    private void changed(Stack stack) {
        routes.invalidate(stack.owner(), stack.name());
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
