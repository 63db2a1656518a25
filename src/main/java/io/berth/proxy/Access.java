package io.berth.proxy;

import io.berth.config.Proxy;
import io.berth.model.OwnerKind;
import io.berth.model.Route;
import io.berth.model.User;

/**
 * Who may open a stack's services: its owner (for a group stack: the group's members), the users and groups it is
 * shared with, and admins when
 * {@code proxy.admin_access} is on (off by default, as in JupyterHub). Asked on every proxied request (answered from
 * caches), so a change takes effect on the next one.
 */
public final class Access {
    /**
     * What Access asks about shares and groups, on every proxied request (so answer from caches). Declared here so
     * that the proxy does not depend on the stacks package; {@code stacks.Sharing} answers it.
     */
    public interface Shares {
        /** Whether the stack is shared with the user, directly or through one of their groups. */
        boolean allows(long stackId, long userId);

        /** Whether the user is a member of the group (members open their group's stacks). */
        boolean memberOf(long userId, String group);
    }

    private final boolean adminAccess;
    private final Shares sharing;

    public Access(Proxy config, Shares sharing) {
        this.adminAccess = config.adminAccess;
        this.sharing = sharing;
    }

    public boolean allows(User user, Route route) {
        return route.ownerId() == user.id() || (adminAccess && user.admin()) || sharing.allows(route.stackId(), user.id())
                || (route.ownerKind() == OwnerKind.GROUP
                && sharing.memberOf(user.id(), OwnerKind.GROUP.nameInPath(route.owner())));
    }
}
