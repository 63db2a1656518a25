package io.berth.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.auth.Session;
import io.berth.auth.Sessions;
import io.berth.model.Route;
import java.time.Duration;
import java.util.Optional;

/**
 * Hands a portal login to a service host. The portal issues a one-time ticket (random, valid for
 * {@value #VALID_SECONDS} s, for one host) and redirects the browser to the service host with it; the proxy there
 * redeems it once for a host-only session cookie. The portal's own cookie never goes to a service host.
 * Tickets live in memory: a restart between the two redirects costs the user one more click.
 */
public final class HostHandoff {
    static final int VALID_SECONDS = 60;
    /** The path on a service host that redeems tickets; Berth's, never forwarded. */
    static final String ENTER_PATH = "/_berth/enter";

    record Ticket(Session portal, String label) { }

    private final Cache<String, Ticket> tickets = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(VALID_SECONDS)).maximumSize(100_000).build();
    private final RouteTable routes;
    private final Access access;
    private final HostNames hosts;

    public HostHandoff(RouteTable routes, Access access, HostNames hosts) {
        this.routes = routes;
        this.access = access;
        this.hosts = hosts;
    }

    /**
     * Where the portal sends the holder of {@code portal} to open a host-routed service at path {@code next}: the
     * service host's ticket-redeeming URL. Empty when there is no such host-routed service or the user may not
     * open it (the caller answers 404 either way, so nobody learns what others run).
     */
    public Optional<String> open(Session portal, String owner, String stack, String service, String next) {
        Optional<Route> route = routes.find(owner, stack, service).filter(Route::hostRouted);
        if (route.isEmpty() || !access.mayOpen(portal.user(), route.get())) {
            return Optional.empty();
        }
        String token = Sessions.randomToken();
        long ownerId = route.get().ownerId();
        tickets.put(token, new Ticket(portal, HostNames.label(owner, ownerId, stack, service)));
        return Optional.of(hosts.url(owner, ownerId, stack, service) + ENTER_PATH.substring(1) + "?token=" + token
                + "&next=" + java.net.URLEncoder.encode(safeNext(next), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The ticket, once: a second redemption of the same token finds nothing. */
    Optional<Ticket> redeem(String token, String label) {
        if (token == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(tickets.asMap().remove(token)).filter(t -> t.label().equals(label));
    }

    /** Where to go after entering: a path on the same host, never another origin. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.chars().anyMatch(c -> c < 0x20 || c == '\\')) {
            return "/";
        }
        return next;
    }
}
