package io.berth.proxy;

import io.berth.backend.ObjectNames;
import io.berth.config.BerthConfig;
import io.berth.config.Proxy;
import io.berth.model.OwnerKind;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.LongFunction;

/**
 * Host names of host-routed services: {@code <service>--<stack>--<owner>.<apps_domain>}, each part escaped like
 * container names ({@link ObjectNames#escape}: {@code [a-z0-9]} kept, other bytes as {@code -xx}), so the label is
 * DNS-safe and reads back to exactly one (owner, stack, service). An owner whose escaped name would make the label
 * longer than DNS allows (63; long e-mail-like names from an identity provider) is written {@code -id<number>} (the
 * account's id) instead: an escaped part never starts with {@code -i} ({@code i} is no hex digit), so the two forms
 * cannot meet. A site stack's services are {@code <service>--<stack>--site}; a person named {@code site} is then
 * written by number. Only the canonical spelling of a label is accepted, so one service never answers on two origins.
 * Also knows the portal's own URL.
 */
public final class HostNames {
    /** What a service host name names, and its canonical label (sessions on a service host are bound to it). */
    public record Key(String owner, String stack, String service, String label) { }

    private static final int MAX_LABEL = 63;
    private static final String OWNER_ID = "-id";
    /** The owner part of a site stack's services: {@code <service>--<stack>--site}. */
    private static final String SITE = "site";

    private final String domainSuffix;
    private final BerthConfig.Server server;
    private final IntSupplier port;

    private final LongFunction<Optional<String>> ownerNames;

    /**
     * {@code port}: the port Berth listens on, asked when a URL is built (it is known only once serving);
     * {@code ownerNames}: an account's name by its id, for labels in the {@code -id<number>} form.
     */
    public HostNames(BerthConfig.Server server, Proxy proxy, IntSupplier port,
                     LongFunction<Optional<String>> ownerNames) {
        this.ownerNames = ownerNames;
        this.domainSuffix = "." + proxy.appsDomain.toLowerCase(Locale.ROOT).replaceAll("^\\.+|\\.+$", "");
        this.server = server;
        this.port = port;
    }

    private URI portal() {
        String url = server.publicUrl.isBlank()
                ? (server.tls.enabled() ? "https://" : "http://") + (server.host.equals("0.0.0.0") || server.host.equals("::") ? "localhost" : server.host)
                        + ":" + port.getAsInt()
                : server.publicUrl.replaceAll("/+$", "");
        return URI.create(url);
    }

    /** The canonical label of a service host: the owner's escaped name, or its id when the name is too long. */
    public static String label(String owner, long ownerId, String stack, String service) {
        String head = ObjectNames.escape(service) + "--" + ObjectNames.escape(stack) + "--";
        boolean site = OwnerKind.of(owner) == OwnerKind.SITE;
        String readable = head + (site ? SITE : ObjectNames.escape(owner));
        // a person named "site" is written by number, so that "site" names only the site's stacks
        return readable.length() <= MAX_LABEL && (site || !owner.equals(SITE)) ? readable : head + OWNER_ID + ownerId;
    }

    /** Whether the service's host label fits DNS (63 characters); launching refuses names that do not. */
    public static boolean fits(String owner, long ownerId, String stack, String service) {
        return label(owner, ownerId, stack, service).length() <= MAX_LABEL;
    }

    /** The service's base URL, with the portal's scheme and port: {@code http://web--lab--alice.localhost:8000/}. */
    public String url(String owner, long ownerId, String stack, String service) {
        URI portal = portal();
        return portal.getScheme() + "://" + label(owner, ownerId, stack, service) + domainSuffix
                + (portal.getPort() < 0 ? "" : ":" + portal.getPort()) + "/";
    }

    /** The portal's base URL without the final slash. */
    public String portalUrl() {
        return portal().toString();
    }

    /** The service a request's host name ({@code Host} without port) names, if it is a service host. */
    public Optional<Key> parse(String serverName) {
        if (serverName == null) {
            return Optional.empty();
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!name.endsWith(domainSuffix)) {
            return Optional.empty();
        }
        String label = name.substring(0, name.length() - domainSuffix.length());
        String[] parts = label.split("--", -1);
        if (parts.length != 3 || label.length() > MAX_LABEL) {
            return Optional.empty();
        }
        Optional<String> service = unescape(parts[0]);
        Optional<String> stack = unescape(parts[1]);
        long ownerId = ownerId(parts[2]);
        // an unknown id names nobody's service (answered 404 like any missing one): never a name, so nothing matches
        Optional<String> owner = ownerId >= 0 ? ownerNames.apply(ownerId)
                : parts[2].equals(SITE) ? Optional.of(OwnerKind.SITE_ACCOUNT) : unescape(parts[2]);
        if (service.isEmpty() || stack.isEmpty() || ownerId < 0 && owner.isEmpty()) {
            return Optional.empty();
        }
        if (owner.isEmpty()) {
            return Optional.of(new Key(parts[2], stack.get(), service.get(), label));
        }
        if (ownerId < 0 && !label(owner.get(), 0, stack.get(), service.get()).equals(label)
                || ownerId >= 0 && !label(owner.get(), ownerId, stack.get(), service.get()).equals(label)) {
            return Optional.empty(); // not the canonical spelling
        }
        return Optional.of(new Key(owner.get(), stack.get(), service.get(), label));
    }

    /** The account id of an owner part in the {@code -id<number>} form; -1 for any other part. */
    private static long ownerId(String part) {
        if (!part.startsWith(OWNER_ID) || !part.substring(OWNER_ID.length()).matches("[1-9][0-9]{0,17}")) {
            return -1;
        }
        return Long.parseLong(part.substring(OWNER_ID.length()));
    }

    private static Optional<String> unescape(String part) {
        if (part.isEmpty()) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '-') {
                try {
                    out.write(Integer.parseInt(part.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    return Optional.empty();
                }
                i += 2;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.write(c);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }
}
