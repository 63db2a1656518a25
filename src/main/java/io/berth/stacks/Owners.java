package io.berth.stacks;

import io.berth.auth.GroupAccounts;
import io.berth.catalog.Catalog;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.User;
import java.util.List;

/** Who a new stack belongs to: the caller, or — for templates that allow it — one of the caller's groups. */
public final class Owners {
    private final Catalog catalog;
    private final Sharing sharing;
    private final StackAccess access;
    private final GroupAccounts accounts;

    public Owners(Catalog catalog, Sharing sharing, StackAccess access, GroupAccounts accounts) {
        this.catalog = catalog;
        this.sharing = sharing;
        this.access = access;
        this.accounts = accounts;
    }

    /** The owner of a launch by {@code caller}; {@code group} null or blank means the caller. */
    public User ownerFor(User caller, String template, String group) {
        if (group == null || group.isBlank()) {
            return caller;
        }
        String g = group.trim();
        boolean allowed = catalog.find(template == null ? "" : template)
                .map(t -> t.ownerKinds().contains(OwnerKind.GROUP)).orElse(true);
        if (!allowed) {
            throw BerthException.badRequest("group", "The template \"" + template + "\" is for personal stacks only"
                    + " (its owner_kinds has no group).");
        }
        if (!access.mayLaunchFor(caller, g)) {
            throw BerthException.forbidden("You are not a member of the group \"" + g + "\".");
        }
        return accounts.accountOf(g);
    }

    /** The groups whose stacks the caller may use, for forms. */
    public List<String> groupsOf(User caller) {
        return sharing.groupsOf(caller.id());
    }
}
