package io.berth.proxy;

import io.berth.config.BerthConfig;
import io.berth.model.GroupNames;
import io.berth.model.Route;
import io.berth.model.User;
import io.berth.stacks.Sharing;

/**
 * Who may open a stack's services: its owner (for a group stack: the group's members), the users and groups it is
 * shared with, and admins when
 * {@code proxy.admin_access} is on (off by default, as in JupyterHub). Asked on every proxied request (answered from
 * caches), so a change takes effect on the next one.
 */
public final class Access {
    private final boolean adminAccess;
    private final Sharing sharing;

    public Access(io.berth.config.Proxy config, Sharing sharing) {
        this.adminAccess = config.adminAccess;
        this.sharing = sharing;
    }

    public boolean allows(User user, Route route) {
        return route.ownerId() == user.id() || (adminAccess && user.admin()) || sharing.allows(route.stackId(), user.id())
                || (GroupNames.isGroup(route.owner())
                && sharing.memberOf(user.id(), GroupNames.groupOf(route.owner())));
    }
}
