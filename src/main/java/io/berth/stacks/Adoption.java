package io.berth.stacks;

import io.berth.backend.ServiceStatus;
import io.berth.catalog.Catalog;
import io.berth.catalog.Template;
import io.berth.model.Stack;
import io.berth.model.StackRef;
import io.berth.store.StackStore;
import io.berth.store.UserStore;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers that carry this Berth's labels but have no stack in the store are adopted back, never removed: a record
 * lost (a database restored from an old backup, a row deleted by hand, a crash of a store that lost a commit) must
 * not cost a user a running stack or its data.
 *
 * <p>The adopted stack is FAILED with a reason that starts with {@link #REASON} — not a new state, because FAILED
 * already means what the owner and the pages need: "look at this; start it again or delete it", the containers keep
 * running untouched (the reconciler leaves an adopted stack's containers alone) and the volumes are not touched at
 * all. Owner and name come from the labels {@code berth.user} and {@code berth.stack}; the template is the one
 * catalog template whose services are exactly those of the containers ({@code berth.service}), if there is one. What
 * the labels do not hold (parameters, generated secrets, routes) is gone with the record, which the reason says.
 * The owner sees it on the stack page and in the API, admins on the stacks page and in the audit log
 * ({@code stack.adopt}).
 */
public final class Adoption {
    private static final Logger LOG = LoggerFactory.getLogger(Adoption.class);
    /** How the reason of an adopted stack starts. */
    public static final String REASON = "Adopted back: ";
    static final String UNKNOWN_TEMPLATE = "(unknown)";

    /** Told about each adoption (the audit log). */
    public interface Listener {
        void adopted(Stack stack, String why);
    }

    private final StackStore store;
    private final UserStore users;
    private final Catalog catalog;
    private final StackEvents events;
    private final Listener listener;
    /** Orphans whose owner has no account: said once, then left running as they are. */
    private final Set<StackRef> ownerless = ConcurrentHashMap.newKeySet();

    public Adoption(StackStore store, UserStore users, Catalog catalog, StackEvents events, Listener listener) {
        this.store = store;
        this.users = users;
        this.catalog = catalog;
        this.events = events;
        this.listener = listener;
    }

    /** Whether a FAILED stack is one this class adopted (its containers are to be left alone). */
    static boolean isAdopted(Stack stack) {
        return stack.reason() != null && stack.reason().startsWith(REASON);
    }

    /** Records the stack {@code ref} whose containers {@code services} run without a record. */
    void adopt(StackRef ref, List<ServiceStatus> services) {
        var owner = users.byName(ref.owner());
        if (owner.isEmpty()) {
            if (ownerless.add(ref)) {
                LOG.warn("reconcile: containers of stack {} have no record and their owner \"{}\" no account; left "
                        + "running as they are (remove them with docker rm once you have checked them)", ref, ref.owner());
            }
            return;
        }
        Set<String> names = services.stream().map(ServiceStatus::service).collect(Collectors.toCollection(TreeSet::new));
        String template = templateOf(names);
        String states = services.stream().map(s -> s.service() + " " + s.detail()).sorted()
                .collect(Collectors.joining(", "));
        String reason = REASON + "its containers (" + states + ") ran with no record in Berth's store, so the record was"
                + " lost. They are kept as found and its volumes untouched; its parameters and secrets are not known any"
                + " more. Keep it as it is, or delete it (with or without its data).";
        store.adopt(owner.get().id(), ref.stack(), template, reason).ifPresent(stack -> {
            LOG.warn("reconcile: containers of stack {} have no record in the store; adopted back as FAILED (template "
                    + "{}), nothing removed", ref, template);
            events.add(stack.id(), "Adopted back by Berth: " + states);
            listener.adopted(stack, "containers without a record: " + states + "; template " + template);
        });
    }

    private String templateOf(Set<String> services) {
        List<Template> matches = catalog.snapshot().templates().values().stream()
                .filter(t -> t.services().stream().map(Template.Service::name).collect(Collectors.toSet())
                        .equals(services)).toList();
        return matches.size() == 1 ? matches.get(0).name() : UNKNOWN_TEMPLATE;
    }
}
