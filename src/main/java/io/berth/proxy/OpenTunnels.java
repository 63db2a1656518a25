package io.berth.proxy;

import io.berth.model.Route;
import io.berth.model.User;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The WebSockets open through the proxy, with who opened them to which route, so that taking a right away (a share
 * revoked) also ends the connections that right had opened: the next frame does not pass.
 */
final class OpenTunnels {
    record Open(User user, Route route, Tunnel tunnel) { }

    private final Set<Open> open = ConcurrentHashMap.newKeySet();

    /** Registers a tunnel; returns what to run when it closes. */
    Runnable add(User user, Route route, Tunnel tunnel) {
        Open entry = new Open(user, route, tunnel);
        open.add(entry);
        return () -> open.remove(entry);
    }

    /** Closes the tunnels that match; returns how many. */
    int closeWhere(Predicate<Open> doomed) {
        int n = 0;
        for (Open o : open) {
            if (doomed.test(o)) {
                o.tunnel().close();
                open.remove(o);
                n++;
            }
        }
        return n;
    }
}
