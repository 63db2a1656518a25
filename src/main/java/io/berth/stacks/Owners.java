package io.berth.stacks;

import io.berth.auth.GroupAccounts;
import io.berth.catalog.Catalog;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.User;
import java.util.List;

/**
 * Who a new stack belongs to: the caller, or — for templates that allow it — one of the caller's groups, or the site
 * (asked for as the group {@value OwnerKind#SITE_ACCOUNT}; admins only).
 */
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
        if (g.equals(OwnerKind.SITE_ACCOUNT)) {
            return siteFor(caller, template);
        }
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

    private User siteFor(User caller, String template) {
        if (!caller.admin()) {
            throw BerthException.forbidden("Only Berth's admins launch site services.");
        }
        boolean allowed = catalog.find(template == null ? "" : template)
                .map(t -> t.ownerKinds().contains(OwnerKind.SITE)).orElse(true);
        if (!allowed) {
            throw BerthException.badRequest("group", "The template \"" + template + "\" cannot run as a site service"
                    + " (its owner_kinds has no site).");
        }
        return accounts.siteAccount();
    }

    /**
     * The audience of a launch for {@code owner}: for the site, what {@code words} name (checked: 400, field
     * {@code audience}); null for anyone else, who may not name one.
     */
    public SiteAudience audienceFor(User owner, List<String> words) {
        if (owner.kind() != OwnerKind.SITE) {
            if (words != null && words.stream().anyMatch(w -> w != null && !w.isBlank())) {
                throw BerthException.badRequest("audience", "Only site services have an audience; share a stack"
                        + " with users or groups once it is launched.");
            }
            return null;
        }
        SiteAudience audience = SiteAudience.of(words);
        sharing.check(audience);
        return audience;
    }

    /** Gives a just launched site stack its audience ({@link #audienceFor}; nothing when null). */
    public void grant(io.berth.model.Stack stack, SiteAudience audience) {
        if (audience != null) {
            sharing.grant(stack, audience);
        }
    }

    /** The groups whose stacks the caller may use, for forms. */
    public List<String> groupsOf(User caller) {
        return sharing.groupsOf(caller.id());
    }
}
