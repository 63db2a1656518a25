package io.berth.proxy;

import io.berth.auth.User;
import io.berth.config.BerthConfig;

/**
 * Who may open a stack's services: its owner, and admins when {@code proxy.admin_access} is on (off by default, as
 * in JupyterHub). Asked on every proxied request, so a change takes effect on the next one.
 */
public final class Access {
    private final boolean adminAccess;

    public Access(BerthConfig.Proxy config) {
        this.adminAccess = config.adminAccess;
    }

    public boolean allows(User user, Route route) {
        return route.ownerId() == user.id() || (adminAccess && user.admin());
    }
}
