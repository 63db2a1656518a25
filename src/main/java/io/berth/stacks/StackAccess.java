package io.berth.stacks;

import io.berth.config.ConfigException;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.Route;
import io.berth.model.Stack;
import io.berth.model.User;
import io.berth.proxy.Access;
import io.berth.store.StackStore;

/**
 * Who may do what with a stack: the one place that decides it, for the pages, the API, the progress and log
 * streams, and the proxy (which asks through {@link Access}, declared in its own package). The facts it decides on —
 * shares and group memberships — come from {@link Sharing}, answered from caches.
 *
 * <p>The rules, for a caller (a signed-in user or the user of an API token; nobody else may do anything) and a stack
 * whose owner is a user or a group's account ({@code @<group>}, {@link OwnerKind}):
 * <ul>
 *   <li>{@link Action#VIEW} (its page and its API resource, its events, progress and log streams, its connection
 *   strings, the list of its shares): its owner; for a group stack, the members of the group; and Berth's admins.
 *   Users it is shared with do <em>not</em> see it: they find it on their dashboard ({@code /api/v1/shared}) and open
 *   its services, nothing more.</li>
 *   <li>{@link Action#OPEN} (its services, through the proxy, path- or host-routed, and the ticket that hands a login
 *   to a service host): its owner; admins only when {@code proxy.admin_access} is on (off by default, as in
 *   JupyterHub), so an admin may see a stack whose services the proxy refuses them; the users it is shared with,
 *   directly or through one of their groups; for a group stack, the members of the group.</li>
 *   <li>{@link Action#CHANGE} (stop, start, delete): whoever may view it, except that with
 *   {@code group_stacks.managed_by: group_admins} a group stack is changed only by the members of
 *   {@code <group>-admins} who are members of the group, and by Berth's admins.</li>
 *   <li>{@link Action#MANAGE} (share it, revoke a share): the same as change.</li>
 *   <li>Launching a stack for a group ({@link #mayLaunchFor}): the members of the group, whatever
 *   {@code managed_by} says — admins too only if they are members.</li>
 *   <li>A <b>site stack</b> (owned by the site account, {@link OwnerKind#SITE}) is launched, viewed, changed and
 *   managed by admins only (nobody owns it); its services are opened by admins and by its audience — the groups it
 *   is shared with, or everyone signed in ({@code Sharing}). Its audience never sees its page, logs or secrets.</li>
 * </ul>
 * Being refused is answered so that nobody learns what others run: a stack the caller may not view is "not found"
 * (404, the same as a stack that does not exist), on pages, API and streams alike, and the proxy answers its 404
 * page. Only a caller who may view a stack but not change it is told 403, with the reason. Memberships are re-read at
 * most 30 s after they change (a sign-in), shares at once on this instance ({@link Sharing}).
 */
public final class StackAccess implements Access {
    /** What a caller wants to do with a stack; see the class comment for who may. */
    public enum Action { VIEW, OPEN, CHANGE, MANAGE }

    /** {@code group_stacks.managed_by}: every member changes a group's stacks. */
    public static final String MEMBERS = "members";
    /** {@code group_stacks.managed_by}: only the members of {@code <group>-admins} (and admins) change them. */
    public static final String GROUP_ADMINS = "group_admins";
    /** The group whose members manage a group's stacks under {@link #GROUP_ADMINS} is the group's name and this. */
    static final String ADMINS_SUFFIX = "-admins";

    private final StackStore store;
    private final Sharing sharing;
    private final boolean adminsOpen;
    private final boolean groupAdminsChange;

    /**
     * @param adminAccess config {@code proxy.admin_access}: whether admins open every stack's services
     * @param managedBy   config {@code group_stacks.managed_by}: {@value #MEMBERS} or {@value #GROUP_ADMINS}
     */
    public StackAccess(StackStore store, Sharing sharing, boolean adminAccess, String managedBy) {
        if (!managedBy.equals(MEMBERS) && !managedBy.equals(GROUP_ADMINS)) {
            throw new ConfigException("group_stacks.managed_by is members or group_admins, not \""
                    + managedBy + "\"");
        }
        this.store = store;
        this.sharing = sharing;
        this.adminsOpen = adminAccess;
        this.groupAdminsChange = managedBy.equals(GROUP_ADMINS);
    }

    /** Whether {@code caller} (null: nobody signed in) may do {@code action} with {@code stack}. */
    public boolean allows(User caller, Stack stack, Action action) {
        return allows(caller, new Target(stack.id(), stack.ownerId(), stack.owner()), action);
    }

    /** Whether {@code caller} may open the service {@code route} leads to (the proxy asks, on every request). */
    @Override
    public boolean mayOpen(User caller, Route route) {
        return allows(caller, new Target(route.stackId(), route.ownerId(), route.owner()), Action.OPEN);
    }

    /** Whether {@code caller} may launch a stack that belongs to {@code group}: its members may. */
    public boolean mayLaunchFor(User caller, String group) {
        return caller != null && sharing.memberOf(caller.id(), group);
    }

    /**
     * The stack {@code owner}/{@code name} (as stored) if {@code caller} may do {@code action} with it. Otherwise
     * 404 when they may not view it (or, for {@link Action#OPEN}, open it) — whether or not it exists — and 403, with
     * the reason, when they may view it but not change or manage it.
     */
    public Stack require(User caller, String owner, String name, Action action) {
        Action toFind = action == Action.OPEN ? Action.OPEN : Action.VIEW;
        Stack stack = store.find(owner, name).filter(s -> allows(caller, s, toFind))
                .orElseThrow(() -> BerthException.notFound("You have no stack of that name."));
        if (!allows(caller, stack, action)) {
            // viewing but not changing has one cause: managed_by group_admins, on a group stack
            String group = OwnerKind.GROUP.nameInPath(stack.owner());
            throw BerthException.forbidden("Only the admins of the group " + group + " (members of " + group
                    + ADMINS_SUFFIX + ") may stop, start, delete or share its stacks.");
        }
        return stack;
    }

    /** What the rules need of a stack, whether it came from the store or from the proxy's route table. */
    private record Target(long stackId, long ownerId, String owner) {
        OwnerKind kind() {
            return OwnerKind.of(owner);
        }

        String group() {
            return OwnerKind.GROUP.nameInPath(owner);
        }
    }

    private boolean allows(User caller, Target stack, Action action) {
        if (caller == null) {
            return false;
        }
        return switch (action) {
            case VIEW -> owns(caller, stack) || caller.admin() || inGroupOf(caller, stack);
            case OPEN -> owns(caller, stack) || ((adminsOpen || stack.kind() == OwnerKind.SITE) && caller.admin())
                    || sharing.isSharedWith(stack.stackId(), caller.id()) || inGroupOf(caller, stack);
            case CHANGE, MANAGE -> allows(caller, stack, Action.VIEW) && (!groupAdminsChange
                    || stack.kind() != OwnerKind.GROUP || caller.admin()
                    || sharing.memberOf(caller.id(), stack.group() + ADMINS_SUFFIX));
        };
    }

    private static boolean owns(User caller, Target stack) {
        return stack.ownerId() == caller.id();
    }

    /** For a group stack: whether the caller is a member of its group. */
    private boolean inGroupOf(User caller, Target stack) {
        return stack.kind() == OwnerKind.GROUP && sharing.memberOf(caller.id(), stack.group());
    }
}
