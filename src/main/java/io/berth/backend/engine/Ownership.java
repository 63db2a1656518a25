package io.berth.backend.engine;

import io.berth.backend.BackendException;
import io.berth.backend.Labels;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels that mark an object as this Berth's, and the checks that keep Berth off everyone else's objects. The
 * engine filters by the instance label only; user and stack are compared here, because label values may hold any
 * character and a filter would have to escape them.
 */
public final class Ownership {
    private final BerthConfig.Docker config;

    public Ownership(BerthConfig.Docker config) {
        this.config = config;
    }

    /** The engine-side filter that finds this instance's objects. */
    public Map<String, String> instanceFilter() {
        return Map.of(Labels.INSTANCE, config.namePrefix);
    }

    /** Labels of an object that belongs to one owner but no one stack (an owner-scoped volume). */
    public Map<String, String> ownerLabels(String owner) {
        Map<String, String> labels = new LinkedHashMap<>(config.labels);
        labels.put(Labels.INSTANCE, config.namePrefix);
        labels.put(Labels.USER, owner);
        return labels;
    }

    /** Labels of an object of one stack (network, container, stack-scoped volume). */
    public Map<String, String> stackLabels(StackRef ref) {
        Map<String, String> labels = ownerLabels(ref.owner());
        labels.put(Labels.STACK, ref.stack());
        return labels;
    }

    public boolean ofStack(Map<String, String> labels, StackRef ref) {
        return labels != null && ofOwnerOnly(labels, ref.owner(), true) && ref.stack().equals(labels.get(Labels.STACK));
    }

    /** Whether {@code labels} mark an object of {@code owner} that belongs to no stack. */
    public boolean ofOwner(Map<String, String> labels, String owner) {
        return labels != null && ofOwnerOnly(labels, owner, false);
    }

    private boolean ofOwnerOnly(Map<String, String> labels, String owner, boolean stackAllowed) {
        return config.namePrefix.equals(labels.get(Labels.INSTANCE)) && owner.equals(labels.get(Labels.USER))
                && (stackAllowed || !labels.containsKey(Labels.STACK));
    }

    /** Refuses an object that has the name Berth would give it but not Berth's labels for that use. */
    public static void require(boolean ours, String kind, String name) throws BackendException {
        if (!ours) {
            throw new BackendException("A " + kind + " named \"" + name + "\" exists on the Docker engine but Berth"
                    + " did not create it for this stack, so Berth leaves it alone: remove or rename it.");
        }
    }
}
