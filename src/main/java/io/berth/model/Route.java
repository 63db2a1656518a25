package io.berth.model;

/**
 * Where requests for one service of one stack go. {@code host}/{@code port} are null until the stack has run;
 * the stack's state tells the proxy whether to forward or to answer with a page. {@code hostRouted}: the service
 * answers on a host name of its own ({@code proxy.HostNames}) instead of under {@link #prefix()}. {@code identity}:
 * its template asked to be told who is calling ({@code identity: headers}).
 */
public record Route(String owner, long ownerId, long stackId, String stack, String service, boolean hostRouted,
                    StackState state, String host, Integer port, boolean identity) {

    public Route(String owner, long ownerId, long stackId, String stack, String service, boolean hostRouted,
                 StackState state, String host, Integer port) {
        this(owner, ownerId, stackId, stack, service, hostRouted, state, host, port, false);
    }

    /** The path prefix the service is served under; kept when forwarding, so the app must know it. */
    public static String prefix(String owner, String stack, String service) {
        return OwnerKind.accountPrefix(owner) + stack + "/" + service + "/";
    }

    public OwnerKind ownerKind() {
        return OwnerKind.of(owner);
    }

    public String prefix() {
        return prefix(owner, stack, service);
    }

    public boolean forwardable() {
        return state == StackState.READY && host != null && port != null;
    }
}
