package io.berth.api;

import io.berth.audit.Audit;
import io.berth.model.Stack;
import io.berth.stacks.Sharing;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.stacks.StackService;
import io.berth.store.StackStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sharing through the API: a stack's shares (for whoever may view it; sharing and revoking as {@link StackAccess}
 * allows), and the stacks shared with the caller.
 */
public final class ApiShares {
    private final StackStore store;
    private final StackService stacks;
    private final Sharing sharing;
    private final StackAccess access;
    private final Supplier<String> portalUrl;

    public ApiShares(StackStore store, StackService stacks, Sharing sharing, StackAccess access,
                     Supplier<String> portalUrl) {
        this.access = access;
        this.store = store;
        this.stacks = stacks;
        this.sharing = sharing;
        this.portalUrl = portalUrl;
    }

    record ShareView(String kind, String name) { }

    record NewShare(String kind, String name) { }

    record SharedView(Views.StackView stack, List<Views.LinkView> links) { }

    public void register(RoutesConfig routes) {
        String base = ApiV1.BASE + "/stacks/{owner}/{name}/shares";
        routes.get(base, ctx -> Bodies.send(ctx, 200, views(ApiV1.stack(ctx, access, Action.VIEW))));
        routes.post(base, this::share);
        routes.delete(base + "/{kind}/{subject}", ctx -> {
            Stack stack = ApiV1.stack(ctx, access, Action.MANAGE);
            sharing.revoke(stack, ctx.pathParam("kind"), ctx.pathParam("subject"));
            ctx.status(204);
        });
        routes.get(ApiV1.BASE + "/shared", ctx -> Bodies.send(ctx, 200, sharing.sharedWith(ApiV1.caller(ctx).id())
                .stream().map(store::byId).flatMap(Optional::stream).map(s -> new SharedView(
                        Views.StackView.of(s, portalUrl.get()), stacks.details().links(s).stream().map(l ->
                        new Views.LinkView(l.service(), portalUrl.get() + l.href())).toList())).toList()));
    }

    private void share(Context ctx) {
        Stack stack = ApiV1.stack(ctx, access, Action.MANAGE);
        NewShare body = Bodies.read(ctx, NewShare.class);
        ctx.attribute(Audit.TARGET, stack.owner() + "/" + stack.name() + " " + body.kind() + ":"
                + body.name());
        ApiV1.semantic(() -> {
            sharing.share(stack, body.kind() == null ? "" : body.kind(), body.name());
            return null;
        });
        Bodies.send(ctx, 201, views(stack));
    }

    private List<ShareView> views(Stack stack) {
        return sharing.of(stack).stream().map(s -> new ShareView(s.kind(), s.name())).toList();
    }
}
