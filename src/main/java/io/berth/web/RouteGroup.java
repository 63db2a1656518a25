package io.berth.web;

import io.javalin.config.RoutesConfig;

/**
 * One feature's routes, added together. Berth's {@code App} builds each page and API class once and lists their
 * {@code register} methods ({@code stackPages::register}) in the order Javalin is to match them; {@link WebApp}
 * registers the list in that order after its own filters. The API classes sit beside {@code web}, not below it, so
 * they cannot implement this interface; every group is therefore passed as a method reference, pages included.
 */
@FunctionalInterface
public interface RouteGroup {
    /**
     * Adds this feature's handlers (routes, and before-handlers scoped to its own paths). Called once, while
     * Javalin is configured and before the server starts; it must not register filters for every path, which
     * {@link WebApp} owns.
     */
    void register(RoutesConfig routes);
}
