package io.berth.proxy;

import java.util.List;
import java.util.Set;

/**
 * Which address a request comes from, for throttling and logs: the connection's remote address, unless that is a
 * front proxy listed in {@code proxy.trusted_proxies} — then the last address that proxy added to
 * {@code X-Forwarded-For} (the client it saw), skipping further trusted proxies. Entries further left were written
 * by the client itself and prove nothing. The same trust rule as {@link ForwardedHeaders}.
 */
public final class ClientAddress {
    private final Set<String> trusted;

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = Set.copyOf(trustedProxies);
    }

    boolean trusts(String remote) {
        return trusted.contains(remote);
    }

    /**
     * @param remote       the connection's remote address
     * @param forwardedFor every {@code X-Forwarded-For} header value, in order
     */
    public String of(String remote, List<String> forwardedFor) {
        if (!trusted.contains(remote) || forwardedFor.isEmpty()) {
            return remote;
        }
        String address = remote;
        for (int h = forwardedFor.size() - 1; h >= 0; h--) {
            String[] hops = forwardedFor.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                if (hop.isEmpty()) {
                    continue;
                }
                address = hop;
                if (!trusted.contains(hop)) {
                    return hop;
                }
            }
        }
        return address;
    }
}
