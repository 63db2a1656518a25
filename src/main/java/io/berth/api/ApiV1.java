package io.berth.api;

import io.berth.audit.Audit;
import io.berth.auth.Session;
import io.berth.auth.Tokens;
import io.berth.catalog.Catalog;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.model.User;
import io.berth.quota.Quotas;
import io.berth.stacks.Owners;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.stacks.StackDetails;
import io.berth.stacks.StackService;
import io.berth.store.GroupStore;
import io.berth.store.StackStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The REST API, {@code /api/v1}: what a user does in the browser — templates, their stacks, connection strings,
 * tokens — as JSON, authenticated by API tokens ({@link ApiAuth}). Progress and logs are served by the pages'
 * handlers at the API's paths ({@code …/progress}, {@code …/logs/{service}[/stream]}); admin endpoints are in
 * {@link ApiAdmin}. Every route is in {@code api/openapi.yaml}; a test fails when they disagree.
 */
public final class ApiV1 {
    public static final String BASE = "/api/v1";
    private static final int DEFAULT_TOKEN_DAYS = 90;

    private final Catalog catalog;
    private final StackStore store;
    private final StackService stacks;
    private final StackAccess access;
    private final Tokens tokens;
    private final GroupStore groups;
    private final Supplier<String> portalUrl;
    private final Quotas quotas;
    private final Owners owners;

    public ApiV1(Catalog catalog, StackStore store, StackService stacks, StackAccess access, Tokens tokens,
                 GroupStore groups, Quotas quotas, Owners owners, Supplier<String> portalUrl) {
        this.access = access;
        this.quotas = quotas;
        this.owners = owners;
        this.catalog = catalog;
        this.store = store;
        this.stacks = stacks;
        this.tokens = tokens;
        this.groups = groups;
        this.portalUrl = portalUrl;
    }

    public void register(RoutesConfig routes) {
        routes.get(BASE + "/me", this::me);
        routes.get(BASE + "/quota", ctx -> Bodies.send(ctx, 200, Map.of("used", quotas.usageOfUser(caller(ctx).id()),
                "limits", quotas.limitsOfUser(caller(ctx).id()))));
        routes.get(BASE + "/templates", ctx -> Bodies.send(ctx, 200, catalog.snapshot().templates().values().stream()
                .map(Views.TemplateView::of).toList()));
        routes.get(BASE + "/templates/{name}", ctx -> Bodies.send(ctx, 200, Views.TemplateView.of(
                catalog.find(ctx.pathParam("name")).orElseThrow(() -> BerthException.notFound("No such template.")))));
        routes.get(BASE + "/stacks", ctx -> Bodies.send(ctx, 200, store.ownedBy(caller(ctx).id()).stream()
                .map(s -> Views.StackView.of(s, portalUrl.get())).toList()));
        routes.post(BASE + "/stacks", this::launch);
        routes.get(BASE + "/stacks/{owner}/{name}", this::show);
        routes.get(BASE + "/stacks/{owner}/{name}/connection", ctx -> {
            Stack stack = stack(ctx, access, Action.VIEW);
            Bodies.send(ctx, 200, new Views.ConnectionList(stack.state().name(), connections(stack)));
        });
        routes.post(BASE + "/stacks/{owner}/{name}/stop", ctx -> act(ctx, stacks::stop));
        routes.post(BASE + "/stacks/{owner}/{name}/start", ctx -> act(ctx, stacks::start));
        routes.delete(BASE + "/stacks/{owner}/{name}", ctx -> {
            Stack stack = stack(ctx, access, Action.CHANGE);
            stacks.delete(stack, !"true".equals(ctx.queryParam("delete_data")));
            ctx.status(204);
        });
        routes.get(BASE + "/tokens", ctx -> Bodies.send(ctx, 200, tokens.of(caller(ctx))));
        routes.post(BASE + "/tokens", this::createToken);
        routes.delete(BASE + "/tokens/{id}", this::revokeToken);
    }

    private void me(Context ctx) {
        User user = caller(ctx);
        Tokens.Token token = ctx.attribute(ApiAuth.TOKEN);
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("username", user.username());
        me.put("admin", user.admin());
        me.put("groups", groups.groupsOf(user.id()));
        me.put("token_scopes", token.scopes().stream().map(Tokens.Scope::id).sorted().toList());
        Bodies.send(ctx, 200, me);
    }

    private void launch(Context ctx) {
        LaunchRequest body = Bodies.read(ctx, LaunchRequest.class);
        ctx.attribute(Audit.TARGET, caller(ctx).username() + "/" + body.name());
        if (body.template() == null || body.template().isBlank()) {
            throw BerthException.badRequest("template", "Name the template to launch (\"template\").");
        }
        User owner = semantic(() -> owners.ownerFor(caller(ctx), body.template(),
                Boolean.TRUE.equals(body.site()) ? io.berth.model.OwnerKind.SITE_ACCOUNT : body.group()));
        ctx.attribute(Audit.TARGET, owner.username() + "/" + body.name());
        var audience = semantic(() -> owners.audienceFor(owner, body.audience()));
        Stack stack = semantic(() -> stacks.launch(owner, body.template(), body.name(), body.values()));
        owners.grant(stack, audience); // a crash before this leaves a site stack only admins reach
        Views.StackView view = Views.StackView.of(stack, portalUrl.get());
        ctx.header("Location", view.url());
        Bodies.send(ctx, 201, view);
    }

    private void show(Context ctx) {
        Stack stack = stack(ctx, access, Action.VIEW);
        List<Views.LinkView> links = stacks.details().links(stack).stream()
                .map(l -> new Views.LinkView(l.service(), absolute(l.href()))).toList();
        Bodies.send(ctx, 200, new Views.StackDetail(Views.StackView.of(stack, portalUrl.get()), links,
                connections(stack), store.values(stack.id(), "param"), stacks.details().serviceNames(stack),
                stacks.details().restarting(stack), queueAhead(stack)));
    }

    private Integer queueAhead(Stack stack) {
        var ahead = stacks.starts().ahead(stack.id());
        return ahead.isPresent() ? ahead.getAsInt() : null;
    }

    private List<StackDetails.Connection> connections(Stack stack) {
        return stack.state() == StackState.READY ? stacks.details().connections(stack) : List.of();
    }

    private void act(Context ctx, Consumer<Stack> action) {
        Stack stack = stack(ctx, access, Action.CHANGE);
        action.accept(stack);
        Bodies.send(ctx, 202, Views.StackView.of(store.byId(stack.id()).orElse(stack), portalUrl.get()));
    }

    private void createToken(Context ctx) {
        TokenRequest body = Bodies.read(ctx, TokenRequest.class);
        ctx.attribute(Audit.TARGET, body.name());
        Tokens.Token mine = ctx.attribute(ApiAuth.TOKEN);
        var scopes = semantic(() -> Tokens.parseScopes(body.scopes() == null ? List.of() : body.scopes()));
        int days = body.expiresDays() == null ? DEFAULT_TOKEN_DAYS : body.expiresDays();
        Tokens.Created created = semantic(() -> tokens.create(caller(ctx), mine, body.name(), scopes, days));
        Map<String, Object> made = new LinkedHashMap<>();
        made.put("name", body.name().trim());
        made.put("scopes", scopes.stream().map(Tokens.Scope::id).toList());
        made.put("expires_days", days);
        made.put("expires_at", created.expiresAt() == null ? null : created.expiresAt().toString());
        made.put("secret", created.secret());
        Bodies.send(ctx, 201, made);
    }

    private void revokeToken(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw BerthException.notFound("You have no such token.");
        }
        if (!tokens.revoke(caller(ctx), ctx.attribute(ApiAuth.TOKEN), id)) {
            throw BerthException.notFound("You have no such token.");
        }
        ctx.status(204);
    }

    private String absolute(String href) {
        return href.startsWith("http://") || href.startsWith("https://") ? href : portalUrl.get() + href;
    }

    static User caller(Context ctx) {
        Session session = ctx.attribute(Session.ATTRIBUTE);
        if (session == null) {
            throw new BerthException(401, "unauthorized", "Send an API token.", null);
        }
        return session.user();
    }

    /**
     * The stack the path names ({@code {owner}/{name}}) if the token's user may do {@code action} with it;
     * {@link StackAccess#require} answers 404 (as if it did not exist) or 403 otherwise.
     */
    static Stack stack(Context ctx, StackAccess access, Action action) {
        return access.require(caller(ctx), ctx.pathParam("owner"), ctx.pathParam("name"), action);
    }

    /**
     * Runs a call whose 400s are about values in a well-formed body: those become 422 (Unprocessable Content) with
     * the same field and message; malformed bodies stay 400.
     */
    static <T> T semantic(Supplier<T> call) {
        try {
            return call.get();
        } catch (BerthException e) {
            if (e.status() != 400) {
                throw e;
            }
            throw new BerthException(422, "invalid", e.getMessage(), e.field());
        }
    }
}
