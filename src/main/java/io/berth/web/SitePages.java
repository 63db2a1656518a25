package io.berth.web;

import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.Stack;
import io.berth.stacks.Provisioning;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.stacks.StackDetails;
import io.berth.stacks.StackService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A site service as its audience sees it ({@code /site-services/<stack>}): its state, links to its web UIs and the
 * caller's own connection strings, made for them on this first visit ({@link Provisioning}); and, for admins, removing
 * one user's account from it ({@code POST /stacks/_site/<stack>/provisions/<user>/deprovision}). Anyone outside the
 * audience gets the same 404 as for a stack that does not exist.
 */
public final class SitePages {
    private final StackAccess access;
    private final StackService stacks;
    private final Provisioning provisioning;
    private final Views views;

    public SitePages(StackAccess access, StackService stacks, Provisioning provisioning, Views views) {
        this.access = access;
        this.stacks = stacks;
        this.provisioning = provisioning;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get("/site-services/{name}", this::page);
        routes.post("/stacks/{owner}/{name}/provisions/{user}/deprovision", this::deprovision);
    }

    private void page(Context ctx) {
        Stack stack = access.require(Guard.session(ctx).user(), OwnerKind.SITE_ACCOUNT, ctx.pathParam("name"),
                Action.OPEN);
        List<StackDetails.Connection> connections = List.of();
        String problem = null;
        try {
            connections = provisioning.connectionsFor(Guard.session(ctx).user(), stack);
        } catch (BerthException e) {
            problem = e.getMessage(); // the page still shows the service's state and links
        }
        Map<String, Object> params = new HashMap<>();
        params.put("page", Guard.page(ctx));
        params.put("stack", stack);
        params.put("links", stacks.details().links(stack));
        params.put("connections", connections);
        params.put("problem", problem);
        views.render(ctx, "site_service.jte", params);
    }

    private void deprovision(Context ctx) {
        Stack stack = Guard.stack(ctx, access, Action.MANAGE);
        String user = ctx.pathParam("user");
        provisioning.deprovision(Guard.session(ctx).user(), stack, user);
        ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name() + "?notice=" + java.net.URLEncoder.encode(
                "Removed " + user + "'s account.", java.nio.charset.StandardCharsets.UTF_8) + "#provisions");
    }
}
