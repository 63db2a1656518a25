package io.berth.proxy;

import io.berth.model.Route;
import io.berth.model.User;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Who is calling, as a service is told it. On every route, whatever a client sent under an identity header — the
 * names configured in berth.yaml's {@code identity:} and those other auth proxies use (oauth2-proxy's
 * {@code X-Auth-Request-*}, {@code X-Remote-User}, {@code Remote-User}, …), in any letter case and any number of
 * copies — is removed, so no app behind Berth ever sees a name a client made up, whether or not its template asked
 * for identity (an app may trust such headers by its own default). Then, on routes whose template says
 * {@code identity: headers} ({@link Route#identity()}), Berth adds the caller's account name, their groups
 * (comma-separated account keys, which never hold a comma: {@code auth.Names}), their e-mail when the identity
 * provider verified one, and a signed assertion (a JWT, {@code identity.IdentityAssertions}) for apps that must not
 * trust the network.
 */
public final class IdentityHeaders {
    /** Names apps behind other auth proxies trust by default; never forwarded as a client sent them. */
    private static final List<String> CLAIMED_ELSEWHERE = List.of("X-Forwarded-User", "X-Forwarded-Groups",
            "X-Forwarded-Email", "X-Forwarded-Preferred-Username", "X-Forwarded-Access-Token", "X-Auth-Request-User",
            "X-Auth-Request-Email", "X-Auth-Request-Groups", "X-Auth-Request-Preferred-Username",
            "X-Auth-Request-Access-Token", "X-Remote-User", "X-Remote-Group", "Remote-User", "X-Webauth-User",
            "X-Berth-Identity");

    /** Signs the assertion for one caller and one service (see {@code identity.IdentityAssertions#headerValue}). */
    public interface Signer {
        String sign(String sub, List<String> groups, String email, String audience);
    }

    /** The header names of berth.yaml's {@code identity:} section. */
    public record Names(String user, String groups, String email, String assertion) { }

    private final Names names;
    private final Set<String> removed;
    private final LongFunction<List<String>> groupsOf;
    private final Signer signer;

    /** @param groupsOf a user's groups by their id (cached by the caller: asked on every request to such a route) */
    public IdentityHeaders(Names names, LongFunction<List<String>> groupsOf, Signer signer) {
        this.names = names;
        this.groupsOf = groupsOf;
        this.signer = signer;
        Set<String> all = new LinkedHashSet<>(CLAIMED_ELSEWHERE);
        all.addAll(List.of(names.user(), names.groups(), names.email(), names.assertion()));
        this.removed = Set.copyOf(all);
    }

    /**
     * Removes every client copy of an identity header from {@code out}, then tells the service who {@code caller} is
     * if {@code route} asks for it; {@code audience} is the service's URL (the assertion's {@code aud}).
     */
    void apply(User caller, Route route, String audience, org.eclipse.jetty.client.Request out) {
        out.headers(h -> {
            removed.forEach(h::remove); // HttpFields.Mutable.remove(String) ignores case and removes every copy
            if (!route.identity()) {
                return;
            }
            List<String> groups = new ArrayList<>(groupsOf.apply(caller.id()));
            h.put(names.user(), caller.username());
            h.put(names.groups(), String.join(",", groups));
            if (caller.email() != null) {
                h.put(names.email(), caller.email());
            }
            h.put(names.assertion(), signer.sign(caller.username(), groups, caller.email(), audience));
        });
    }
}
