package io.berth.web;

import io.berth.api.ApiV1;
import io.berth.audit.Audit;
import io.berth.auth.Session;
import io.berth.backend.Backend;
import io.berth.backups.BackupService;
import io.berth.catalog.Catalog;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.Route;
import io.berth.model.Stack;
import io.berth.model.StackEvent;
import io.berth.model.StackState;
import io.berth.usage.UsageHistory;
import io.berth.usage.UsageReport;
import io.berth.quota.Quotas;
import io.berth.stacks.Culler;
import io.berth.stacks.Owners;
import io.berth.stacks.Provisioning;
import io.berth.stacks.Sharing;
import io.berth.stacks.StackAccess;
import io.berth.stacks.StackAccess.Action;
import io.berth.stacks.StackDetails;
import io.berth.stacks.StackService;
import io.berth.stacks.StartQueue;
import io.berth.store.StackStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The dashboard, the catalog, and each stack's page with its actions. */
public final class StackPages {
    private static final int REFRESH_SECONDS = 1;

    private final StackStore store;
    private final StackService stacks;
    private final Catalog catalog;
    private final Backend backend;
    private final Views views;

    private final Culler culler;
    private final Quotas quotas;
    private final Sharing sharing;
    private final StackAccess access;
    private final Owners owners;
    private final Provisioning provisioning;
    private final UsageHistory usage;
    private final BackupService backups;

    public StackPages(StackStore store, StackService stacks, Catalog catalog, Backend backend, Views views,
                      Culler culler, Quotas quotas, Sharing sharing, StackAccess access, Owners owners,
                      Provisioning provisioning, UsageHistory usage, BackupService backups) {
        this.backups = backups;
        this.usage = usage;
        this.provisioning = provisioning;
        this.owners = owners;
        this.quotas = quotas;
        this.sharing = sharing;
        this.access = access;
        this.culler = culler;
        this.store = store;
        this.stacks = stacks;
        this.catalog = catalog;
        this.backend = backend;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        // The progress streams (ProgressStream) answer 200 before their handler runs: another user's stack, or a
        // missing one, is refused here first with the same 404 as its page.
        for (String progress : List.of("/stacks/{owner}/{name}/progress",
                ApiV1.BASE + "/stacks/{owner}/{name}/progress")) {
            routes.before(progress, ctx -> Guard.stack(ctx, access, Action.VIEW));
        }
        routes.get("/dashboard", this::dashboard);
        routes.get("/catalog", this::catalog);
        routes.post("/stacks", this::launch);
        routes.get("/stacks/{owner}/{name}", this::show);
        routes.post("/stacks/{owner}/{name}/stop", ctx -> act(ctx, "stop"));
        routes.post("/stacks/{owner}/{name}/start", ctx -> act(ctx, "start"));
        routes.post("/stacks/{owner}/{name}/delete", ctx -> act(ctx, "delete"));
    }

    private void dashboard(Context ctx) {
        Session s = Guard.session(ctx);
        List<Stack> mine = store.ownedBy(s.user().id());
        Page page = Guard.page(ctx);
        if (mine.stream().anyMatch(st -> st.state().inProgress())) {
            page = page.refreshingEvery(REFRESH_SECONDS);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("stacks", mine);
        List<String> myGroups = sharing.groupsOf(s.user().id());
        params.put("groups", myGroups);
        params.put("usage", quotas.bars(s.user().id()));
        params.put("groupStacks", store.ownedByNames(myGroups.stream()
                .map(OwnerKind::groupAccount).toList()));
        List<SharedStack> shared = sharing.sharedWith(s.user().id()).stream().map(store::byId)
                .flatMap(java.util.Optional::stream).map(st -> new SharedStack(st, stacks.details().links(st))).toList();
        params.put("shared", shared.stream().filter(sh -> sh.stack().ownerKind() != OwnerKind.SITE).toList());
        params.put("siteServices", shared.stream().filter(sh -> sh.stack().ownerKind() == OwnerKind.SITE).toList());
        params.put("dockerProblem", backend.unavailable().orElse(null));
        params.put("current", new CurrentUse(usage.latest()));
        params.put("deletedBackups", BackupRows.of(java.util.Optional.empty(), backups.ofDeleted(s.user().username()),
                true).rows());
        params.put("deletedStacks", backups.ofDeleted(s.user().username()).stream()
                .collect(java.util.stream.Collectors.toMap(r -> r.id(), r -> r.stackName() + " (" + r.template() + ")")));
        views.render(ctx, "dashboard.jte", params);
    }

    private void catalog(Context ctx) {
        renderCatalog(ctx, null);
    }

    /** The catalog; {@code failed} (may be null) is a launch form sent back with its values and what was wrong. */
    private void renderCatalog(Context ctx, LaunchForm failed) {
        String problem = backend.unavailable().orElse(null);
        Catalog.Snapshot snapshot = catalog.snapshot();
        List<CatalogEntry> entries = snapshot.templates().values().stream()
                .map(t -> new CatalogEntry(t, problem != null ? List.of() : stacks.details().missingImages(t),
                        problem != null ? List.of() : stacks.details().imageNotes(t),
                        failed != null && failed.template().equals(t.name()) ? failed : LaunchForm.blank(t)))
                .toList();
        Map<String, Object> params = new HashMap<>();
        params.put("page", Guard.page(ctx));
        params.put("entries", entries);
        params.put("dockerProblem", problem);
        params.put("groups", owners.groupsOf(Guard.session(ctx).user()));
        params.put("templateErrors", Guard.session(ctx).user().admin() ? snapshot.errors() : List.of());
        views.render(ctx, "catalog.jte", params);
    }

    private void launch(Context ctx) {
        Session s = Guard.session(ctx);
        LaunchForm form = LaunchForm.from(ctx, catalog.find(ctx.formParam("template") == null ? "" : ctx.formParam("template")));
        Stack stack;
        try {
            var owner = owners.ownerFor(s.user(), form.template(), ctx.formParam("group"));
            ctx.attribute(Audit.TARGET, owner.username() + "/" + form.name());
            String audienceText = ctx.formParam("audience");
            // the form always carries the field; it counts only when launching for the site
            var audience = owners.audienceFor(owner, audienceText == null || owner.kind() != OwnerKind.SITE ? List.of()
                    : List.of(audienceText.split("[,\\s]+")));
            stack = stacks.launch(owner, form.template(), form.name(), form.values());
            // a crash before this line leaves a site stack with no audience: only admins reach it until one is given
            owners.grant(stack, audience);
        } catch (BerthException e) {
            boolean formProblem = e.status() == 400 || e.status() == 409 || e.status() == 403;
            if (!formProblem || catalog.find(form.template()).isEmpty()) {
                throw e;
            }
            ctx.status(e.status());
            renderCatalog(ctx, form.failed(e.field(), e.getMessage()));
            return;
        }
        ctx.redirect("/stacks/" + stack.owner() + "/" + stack.name());
    }

    private void show(Context ctx) {
        Stack stack = Guard.stack(ctx, access, Action.VIEW);
        List<StackDetails.Link> links = stacks.details().links(stack);
        Page page = Guard.page(ctx);
        if (stack.state().inProgress()) {
            page = page.updatedLive(REFRESH_SECONDS);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("services", stacks.details().serviceNames(stack));
        params.put("restarting", stacks.details().restarting(stack));
        params.put("imageNotes", stacks.details().templateOf(stack).map(stacks.details()::imageNotes).orElse(List.of()));
        params.put("page", page);
        params.put("stack", stack);
        params.put("links", links);
        List<StackEvent> history = stacks.events().of(stack.id());
        params.put("events", history);
        params.put("connections", stack.state() == StackState.READY ? stacks.details().connections(stack) : List.of());
        params.put("values", store.values(stack.id(), "param"));
        params.put("shares", sharing.of(stack));
        params.put("provisions", stack.ownerKind() == OwnerKind.SITE ? provisioning.of(stack) : List.of());
        params.put("cullNote", culler.deadline(stack).map(d -> "Berth will stop this stack at "
                + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(d.at()) + " (" + d.why() + "). Its data is kept.")
                .orElse(null));
        UsageHistory.Range range = UsageGraphs.range(ctx.queryParam("usage"));
        UsageReport report = usage.report(stack, range);
        params.put("usage", UsageRows.of(report));
        params.put("graphs", UsageGraphs.of(report, range, java.time.Instant.now().getEpochSecond()));
        params.put("memory", MemoryWarnings.of(history, report, stack.state() == StackState.READY,
                java.time.Instant.now()));
        boolean mayChange = access.allows(Guard.session(ctx).user(), stack, Action.CHANGE);
        var backupRows = mayChange ? backups.of(stack) : List.<io.berth.store.StackBackupStore.Row>of();
        params.put("backups", BackupRows.of(stacks.details().templateOf(stack), backupRows, mayChange));
        if (!stack.state().inProgress() && backupRows.stream().anyMatch(r -> r.state().equals("RUNNING"))) {
            params.put("page", page.refreshingEvery(REFRESH_SECONDS)); // until the backup ends
        }
        stacks.starts().ahead(stack.id()).ifPresent(ahead -> params.put("queueNote", StartQueue.describe(ahead)));
        views.render(ctx, "stack.jte", params);
    }

    private void act(Context ctx, String action) {
        Stack stack = Guard.stack(ctx, access, Action.CHANGE);
        switch (action) {
            case "stop" -> stacks.stop(stack);
            case "start" -> stacks.start(stack);
            case "delete" -> stacks.delete(stack, !"true".equals(ctx.formParam("delete_data")));
            default -> throw BerthException.notFound("No such action.");
        }
        ctx.redirect(action.equals("delete") ? "/dashboard" : "/stacks/" + stack.owner() + "/" + stack.name());
    }

}
