package io.berth.stacks;

import io.berth.audit.Audit;
import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.ExecResult;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateRenderer;
import io.berth.metrics.BerthMetrics;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.model.User;
import io.berth.store.ProvisionStore;
import io.berth.store.UserStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Users under application": the first time a user of a site stack's audience asks for their connection details, the
 * template's {@code provision} command runs inside the running service (exec, bounded time and output) with their
 * name and secrets made for them once ({@code ${user_secret.<name>}}), and makes them an account there; its outcome
 * is stored ({@link ProvisionStore}). They are then shown the connection strings rendered for them, nobody else's.
 *
 * <p>Failure and crashes: a failed command is recorded with the end of its output (admins see it on the stack page;
 * the user is told plainly, without it) and runs again at the user's next request. A row left RUNNING by a Berth
 * that died mid-command is taken over by the next request: the commands are idempotent (the shipped ones are), and
 * the secrets are made before the first attempt and kept, so a retry sets the same password it shows. Attempts of
 * one user for one stack run one at a time on this Berth.
 */
public final class Provisioning {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioning.class);
    /** Lines of a failed command's output kept for admins. */
    private static final int OUTPUT_LINES = 30;

    private final ProvisionStore store;
    private final StackDetails details;
    private final TemplateRenderer renderer;
    private final Backend backend;
    private final UserStore users;
    private final Audit audit;
    private final BerthMetrics metrics;
    private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();

    public Provisioning(ProvisionStore store, StackDetails details, TemplateRenderer renderer, Backend backend,
                        UserStore users, Audit audit, BerthMetrics metrics) {
        this.store = store;
        this.details = details;
        this.renderer = renderer;
        this.backend = backend;
        this.users = users;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * The caller's connection strings for a site stack they may open, their account in it made first when it is not
     * yet (or a last attempt failed). 409 when the stack does not run; 502 {@code provisioning_failed} when the
     * command fails.
     */
    public List<StackDetails.Connection> connectionsFor(User caller, Stack stack) {
        Template template = details.templateOf(stack).orElseThrow(() -> BerthException.conflict(null,
                "This site service's template is no longer in the catalog; ask Berth's admins."));
        if (stack.state() != StackState.READY) {
            throw BerthException.conflict(null, "The site service " + stack.name() + " is not running ("
                    + stack.state().name().toLowerCase(java.util.Locale.ROOT) + "); try again once it is.");
        }
        ReentrantLock lock = running.computeIfAbsent(stack.id() + "/" + caller.id(), k -> new ReentrantLock());
        lock.lock();
        try {
            boolean done = store.find(stack.id(), caller.id()).map(r -> r.state().equals(ProvisionStore.DONE))
                    .orElse(false);
            if (!done) { // the first visit, or the one after a failure or a crash: a DONE user costs two reads
                for (String name : template.userSecrets()) {
                    store.addSecret(stack.id(), caller.id(), name, Secrets.generate());
                }
                if (template.services().stream().anyMatch(s -> s.provision() != null)) {
                    provision(caller, stack, template, store.secrets(stack.id(), caller.id()));
                }
            }
            return details.connectionsFor(stack, caller.username(), store.secrets(stack.id(), caller.id()));
        } finally {
            lock.unlock();
        }
    }

    private void provision(User caller, Stack stack, Template template, Map<String, String> secrets) {
        store.begin(stack.id(), caller.id());
        TemplateRenderer.Context ctx = details.context(stack).forUser(caller.username(), secrets);
        for (Template.Service service : template.services()) {
            if (service.provision() == null) {
                continue;
            }
            String failure;
            try {
                ExecResult result = backend.exec(stack.ref(), service.name(),
                        renderer.provisionCommand(service, ctx, false),
                        Duration.ofSeconds(service.provision().timeoutSeconds()));
                failure = result.succeeded() ? null : describe(service, result);
            } catch (BackendException e) {
                failure = service.name() + ": " + e.getMessage();
            }
            if (failure != null) {
                store.finish(stack.id(), caller.id(), ProvisionStore.FAILED, failure);
                metrics.provisioned(false);
                audit.record(caller.username(), "site.provision", stack.name(), "failed");
                LOG.warn("provisioning {} in site stack \"{}\" failed ({}); its output is on the stack's page",
                        caller.username(), stack.name(), failure.lines().findFirst().orElse(""));
                throw new BerthException(502, "provisioning_failed", "Your account in " + stack.name()
                        + " could not be set up. Berth's admins can see why; try again in a while.", null);
            }
        }
        store.finish(stack.id(), caller.id(), ProvisionStore.DONE, null);
        metrics.provisioned(true);
        audit.record(caller.username(), "site.provision", stack.name(), null);
        LOG.info("provisioned {} in site stack \"{}\"", caller.username(), stack.name());
    }

    private static String describe(Template.Service service, ExecResult result) {
        String head = service.name() + ": " + (result.exitCode() == null
                ? "did not finish within " + service.provision().timeoutSeconds() + " s"
                : "exited with " + result.exitCode());
        String tail = result.lastLines(OUTPUT_LINES);
        String text = head + (result.cut() ? " (output cut to its end)" : "") + (tail.isEmpty() ? "" : "\n" + tail);
        return text.length() > 8000 ? text.substring(text.length() - 8000) : text;
    }

    /** Who has (or was tried for) an account in a site stack, for its admins. */
    public List<ProvisionStore.Row> of(Stack stack) {
        return store.of(stack.id());
    }

    /**
     * Removes a user's account from a site stack: runs the template's {@code deprovision} commands (when the stack
     * runs) and forgets the user's secrets, so their next request makes a new account. 404 for a user without one.
     */
    public void deprovision(User admin, Stack stack, String username) {
        User user = users.byName(username).filter(u -> store.find(stack.id(), u.id()).isPresent())
                .orElseThrow(() -> BerthException.notFound("\"" + username + "\" has no account in " + stack.name()
                        + "."));
        Template template = details.templateOf(stack).orElse(null);
        if (template != null && stack.state() == StackState.READY) {
            TemplateRenderer.Context ctx = details.context(stack).forUser(user.username(),
                    store.secrets(stack.id(), user.id()));
            for (Template.Service service : template.services()) {
                if (service.provision() == null || service.provision().deprovision().isEmpty()) {
                    continue;
                }
                try {
                    ExecResult result = backend.exec(stack.ref(), service.name(),
                            renderer.provisionCommand(service, ctx, true),
                            Duration.ofSeconds(service.provision().timeoutSeconds()));
                    if (!result.succeeded()) {
                        throw BerthException.conflict(null, "Removing " + username + "'s account failed: "
                                + describe(service, result));
                    }
                } catch (BackendException e) {
                    throw BerthException.conflict(null, "Removing " + username + "'s account failed: "
                            + e.getMessage());
                }
            }
        }
        store.remove(stack.id(), user.id());
        audit.record(admin.username(), "site.deprovision", stack.name() + " " + username, null);
    }
}
