package io.berth.stacks;

import io.berth.backend.Backend;
import io.berth.catalog.Catalog;
import io.berth.catalog.RoutePolicy;
import io.berth.catalog.Template;
import io.berth.catalog.TemplateRenderer;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.model.User;
import io.berth.proxy.HostNames;
import io.berth.store.StackStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What pages show about a stack beyond its record: its services, links, connection strings for clients outside
 * Berth, the progress a start should make, and what its template's references mean for it.
 */
public final class StackDetails {
    private final StackStore store;
    private final Catalog catalog;
    private final TemplateRenderer renderer;
    private final Backend backend;
    private final String publicHost;
    private final HostNames hostNames;
    private final RoutePolicy routePolicy;
    private final CrashLoops crashLoops;

    public StackDetails(StackStore store, Catalog catalog, TemplateRenderer renderer, Backend backend,
                        CrashLoops crashLoops, String publicHost, HostNames hostNames, RoutePolicy routePolicy) {
        this.routePolicy = routePolicy;
        this.crashLoops = crashLoops;
        this.store = store;
        this.catalog = catalog;
        this.renderer = renderer;
        this.backend = backend;
        this.publicHost = publicHost;
        this.hostNames = hostNames;
    }

    /**
     * The template of a stack as this stack runs it: the catalog's, with each web service served the way that was
     * decided when the stack was launched or last started ({@link RoutePolicy}); empty when it left the catalog.
     */
    public Optional<Template> templateOf(Stack stack) {
        Map<String, Template.Expose.Route> routes = new java.util.HashMap<>();
        store.routeModes(stack.id()).forEach((service, mode) -> routes.put(service, Template.Expose.Route.of(mode)));
        return catalog.find(stack.template()).map(t -> t.withRoutes(routes));
    }

    /** How each web service of a stack launched now from {@code template} is served ({@link RoutePolicy}). */
    public Map<String, Template.Expose.Route> decideRoutes(Template template) {
        return routePolicy.decide(template);
    }

    /** Refuses (400, field {@code name}) a stack name that would give one of its services too long a host name. */
    public void requireHostNamesFit(User owner, String name, Template template) {
        for (Template.Service s : template.services()) {
            if (s.http() != null && s.http().route() == Template.Expose.Route.HOST
                    && !HostNames.fits(owner.username(), owner.id(), name, s.name())) {
                throw BerthException.badRequest("name", "The service \"" + s.name() + "\" gets a host name of its own,"
                        + " and with this stack name it would be longer than DNS allows (63 characters). Choose a"
                        + " shorter stack name.");
            }
        }
    }

    /**
     * A start from STOPPED or FAILED serves the stack as the site's policy says now ({@code proxy.path_routing}), so
     * stopping and starting moves a stack launched under path routing to hosts of its own (a service whose host name
     * would not fit DNS keeps its path). Returns what changed: service → its new route.
     */
    public Map<String, Template.Expose.Route> moveRoutes(Stack stack, Template template) {
        Map<String, String> now = store.routeModes(stack.id());
        Map<String, Template.Expose.Route> moved = new java.util.LinkedHashMap<>(routePolicy.decide(template));
        moved.entrySet().removeIf(e -> e.getValue().mode().equals(now.get(e.getKey()))
                || e.getValue() == Template.Expose.Route.HOST && !HostNames.fits(stack.owner(), stack.ownerId(), stack.name(), e.getKey()));
        Map<String, String> modes = new java.util.LinkedHashMap<>();
        moved.forEach((service, route) -> modes.put(service, route.mode()));
        store.setRouteModes(stack.id(), modes);
        return moved;
    }

    /**
     * Services of the stack that the engine keeps restarting, one line each: "web: restarting (3 times in 16 s), last
     * exit 7: &lt;last log line&gt;"; empty when none does.
     */
    public List<String> restarting(Stack stack) {
        return stack.state() == StackState.READY ? crashLoops.of(stack.id()) : List.of();
    }

    /** A link to one of a stack's web UIs: where it points, and the address to show. */
    public record Link(String service, String href, String text) { }

    /**
     * How many events a start of this stack records when all goes well (image checks, network, volumes, each
     * container and its health wait, "Ready"), so a page can turn events into a progress bar.
     */
    public int expectedStartEvents(Stack stack) {
        Template t = catalog.find(stack.template()).orElse(null);
        if (t == null) {
            return 1;
        }
        int volumes = t.services().stream().mapToInt(s -> s.mounts().size()).sum();
        return 1 + t.images().size() + 1 + volumes + 2 * t.services().size() + 1;
    }

    /**
     * For each image of a template (as mapped for this site) that the engine lacks, one sentence saying which command
     * builds it here or which mapping to set — for the catalog to show.
     */
    public List<String> missingImages(Template template) {
        return template.images().stream().distinct().filter(u -> !backend.imagePresent(renderer.image(u)))
                .map(renderer::missingAdvice).toList();
    }

    /** Warnings about the images a template runs here (a development stand-in in use), for catalog and stack page. */
    public List<String> imageNotes(Template template) {
        return template.images().stream().map(renderer::image).distinct().map(renderer::imageNote)
                .filter(Objects::nonNull).toList();
    }

    /** What the template's {@code ${…}} references mean for this stack. */
    public TemplateRenderer.Context context(Stack stack) {
        long uid = Secrets.uidOf(stack.ownerId());
        return new TemplateRenderer.Context(stack.owner(), uid, uid, null, stack.name(),
                store.values(stack.id(), "param"), store.values(stack.id(), "secret"));
    }

    /** How clients outside Berth reach the stack's TCP ports: one line per published port, with its string. */
    public List<Connection> connections(Stack stack) {
        Template template = templateOf(stack).orElse(null);
        if (template == null) {
            return List.of();
        }
        // a site stack whose users get secrets of their own: its owner's view has none, so only host:port
        return connections(stack, template, context(stack), !template.userSecrets().isEmpty());
    }

    /**
     * What one user of a site stack is shown about its TCP ports: the connection strings rendered with their name
     * ({@code ${user.name}}) and their secrets ({@code ${user_secret.<name>}}).
     */
    public List<Connection> connectionsFor(Stack stack, String user, Map<String, String> userSecrets) {
        return templateOf(stack).map(t -> connections(stack, t, context(stack).forUser(user, userSecrets), false))
                .orElse(List.of());
    }

    private List<Connection> connections(Stack stack, Template template, TemplateRenderer.Context ctx,
                                         boolean addressOnly) {
        Map<String, Map<Integer, Integer>> published = store.publishedPorts(stack.id());
        Map<String, String> hosts = store.publishedHosts(stack.id());
        List<Connection> out = new java.util.ArrayList<>();
        for (Template.Service s : template.services()) {
            String clientHost = hosts.getOrDefault(s.name(), publicHost);
            for (Template.Expose e : s.expose()) {
                Integer hostPort = published.getOrDefault(s.name(), Map.of()).get(e.port());
                if (e.kind() == Template.Expose.Kind.TCP && hostPort != null) {
                    String connection = e.connection() == null || addressOnly ? clientHost + ":" + hostPort
                            : renderer.forClients(e.connection(), ctx, clientHost, hostPort);
                    out.add(new Connection(s.name(), e.name() == null ? s.name() : e.name(), clientHost, hostPort,
                            connection, addressOnly ? null : renderer.forClients(e.snippet(), ctx, clientHost, hostPort)));
                }
            }
        }
        return out;
    }

    /** A published TCP port and the string a client uses to connect (it may hold a secret: show it to the owner only). */
    public record Connection(String service, String name, String host, int port, String connection,
                             String snippet) { }

    /** The names of the stack's services, in start order (for log views). */
    public List<String> serviceNames(Stack stack) {
        return catalog.find(stack.template()).map(t -> t.services().stream().map(Template.Service::name).toList())
                .orElse(List.of());
    }

    /**
     * Links to the stack's web UIs (with each template's {@code open} path). A host-routed one goes through the
     * portal's {@code /hosts/open/…}, which hands the login over to the service's host.
     */
    public List<Link> links(Stack stack) {
        Template template = templateOf(stack).orElse(null);
        if (template == null) {
            return List.of();
        }
        TemplateRenderer.Context ctx = context(stack);
        return template.services().stream().filter(s -> s.http() != null).map(s -> {
            String path = renderer.link(s, ctx);
            if (s.http().route() == Template.Expose.Route.PATH) {
                return new Link(s.name(), path, path);
            }
            String host = hostNames.url(stack.owner(), stack.ownerId(), stack.name(), s.name());
            return new Link(s.name(), "/hosts/open/" + stack.owner() + "/" + stack.name() + "/" + s.name()
                    + "?next=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8),
                    host.substring(0, host.length() - 1) + path);
        }).toList();
    }
}
