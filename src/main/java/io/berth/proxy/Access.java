package io.berth.proxy;

import io.berth.model.Route;
import io.berth.model.User;

/**
 * What the proxy asks before it forwards a request, redeems a host ticket or keeps a WebSocket open: may this user
 * open this service? Declared here so that the proxy does not depend on the stacks package; the one access policy,
 * {@code stacks.StackAccess}, answers it (its class comment has the rules). Asked on every proxied request, so it
 * answers from caches; a change takes effect on the next request.
 */
public interface Access {
    /** Whether {@code user} may open (send requests to) the service {@code route} leads to. */
    boolean mayOpen(User user, Route route);
}
