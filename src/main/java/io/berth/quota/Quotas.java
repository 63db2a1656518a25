package io.berth.quota;

import io.berth.catalog.Template;
import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.model.Amounts;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.User;
import io.berth.store.QuotaStore;
import org.jdbi.v3.core.Handle;

/**
 * The application server's rules: how much each user may run at once (stacks, containers, CPU, memory — the sums of
 * what their templates declare) and what Berth may hand out on the host in all. {@link #admit} runs inside the
 * transaction that records a launch or a start, under one lock, so concurrent launches can never together pass a
 * limit; a launch over a limit is refused before anything is created, saying what is used, the limit, and what to do.
 */
public final class Quotas {
    private final QuotaStore store;
    private final Amounts userDefault;
    private final Amounts groupDefault;
    private final Amounts host;

    public Quotas(QuotaStore store, BerthConfig.Quotas config) {
        this.store = store;
        this.userDefault = amounts(config.user, "quotas.user");
        this.groupDefault = amounts(config.group, "quotas.group");
        this.host = amounts(config.host, "quotas.host");
    }

    /** What one stack of {@code template} takes. */
    public static Amounts of(Template template) {
        long cpu = 0;
        long memory = 0;
        for (Template.Service s : template.services()) {
            cpu += Math.round(s.cpus() * 1000);
            memory += s.memoryBytes();
        }
        return new Amounts(1, template.services().size(), cpu, memory);
    }

    public Amounts userDefaults() {
        return userDefault;
    }

    public Amounts groupDefaults() {
        return groupDefault;
    }

    public Amounts host() {
        return host;
    }

    /** The admin's override for a user (null fields: the default). */
    public QuotaStore.Override overrideOfUser(long userId) {
        return store.override(QuotaStore.USER, userId);
    }

    /**
     * Sets an account's limits from text as an admin types it (a group's account takes a group override): blank keeps
     * the default, 0 means no limit; a bad value is a 400 naming the field. Applies from the next launch (running
     * stacks are never stopped for it).
     */
    public void setLimits(User account, String stacks, String containers, String cpu, String memory) {
        setLimits(account.kind() == OwnerKind.GROUP ? QuotaStore.GROUP : QuotaStore.USER, account.id(), stacks,
                containers, cpu, memory);
    }

    private void setLimits(String kind, long id, String stacks, String containers, String cpu, String memory) {
        try {
            store.setOverride(kind, id, new QuotaStore.Override(count("stacks", stacks),
                    count("containers", containers), blank(cpu) ? null : Amounts.parseCpu(cpu),
                    blank(memory) ? null : Amounts.parseMemory(memory)));
        } catch (IllegalArgumentException e) {
            throw BerthException.badRequest(e.getMessage().contains("cores") ? "cpu" : "memory", e.getMessage());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Integer count(String field, String text) {
        if (blank(text)) {
            return null;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0 && n <= 100_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw BerthException.badRequest(field, field + " is a whole number (0: no limit), or blank for the default.");
    }

    /** A user's limits: the admin's override where set, else the default. */
    public Amounts limitsOfUser(long userId) {
        return merge(userDefault, store.override(QuotaStore.USER, userId));
    }

    /** The limits of an account: a user's, or a group's for its account ({@code @<group>}). */
    public Amounts limitsOf(User account) {
        return account.kind() == OwnerKind.GROUP
                ? merge(groupDefault, store.override(QuotaStore.GROUP, account.id())) : limitsOfUser(account.id());
    }

    public Amounts usageOfUser(long userId) {
        return store.usageOfUser(userId);
    }

    /** One line of a usage display: what is used of a limit, and how full it is (0-100; 0 without a limit). */
    public record Bar(String resource, String used, String limit, int percent) { }

    /** A user's usage against their limits, for the dashboard and the admin page. */
    public java.util.List<Bar> bars(long userId) {
        return bars(usageOfUser(userId), limitsOfUser(userId));
    }

    public static java.util.List<Bar> bars(Amounts used, Amounts limits) {
        return java.util.List.of(
                bar("Stacks", String.valueOf(used.stacks()), used.stacks(), limits.stacks(), String.valueOf(limits.stacks())),
                bar("Containers", String.valueOf(used.containers()), used.containers(), limits.containers(),
                        String.valueOf(limits.containers())),
                bar("CPU", Amounts.cpu(used.cpuMillis()), used.cpuMillis(), limits.cpuMillis(),
                        Amounts.cpu(limits.cpuMillis())),
                bar("Memory", Amounts.memory(used.memoryBytes()), used.memoryBytes(), limits.memoryBytes(),
                        Amounts.memory(limits.memoryBytes())));
    }

    private static Bar bar(String resource, String used, long usedValue, long limit, String limitText) {
        return new Bar(resource, used, limit == 0 ? "no limit" : limitText,
                limit == 0 ? 0 : (int) Math.min(100, Math.round(100.0 * usedValue / limit)));
    }

    /**
     * Refuses (403 {@code quota_exceeded}) when {@code wanted} more for {@code owner} would pass a limit: the owner's
     * (a user's or a group's; a site stack has none) or the host's.
     */
    public void admit(Handle h, long ownerId, String ownerName, String stack, Amounts wanted) {
        store.lock(h);
        OwnerKind kind = OwnerKind.of(ownerName);
        if (kind != OwnerKind.SITE) { // site stacks count against quotas.host only
            admitFor(h, kind, ownerId, ownerName, stack, wanted);
        }
        String full = host.firstExceededBy(store.usageOfAll(h).plus(wanted));
        if (full != null) {
            throw refused("\"" + stack + "\" needs " + needs(wanted) + ", and this server has no " + full
                    + " left to hand out (its limit: " + host.limitInWords(full) + "). Try again"
                    + " when others have stopped stacks, or ask an admin.");
        }
    }

    private void admitFor(Handle h, OwnerKind kind, long ownerId, String ownerName, String stack, Amounts wanted) {
        boolean group = kind == OwnerKind.GROUP;
        Amounts limits = merge(group ? groupDefault : userDefault,
                store.override(h, group ? QuotaStore.GROUP : QuotaStore.USER, ownerId));
        Amounts used = store.usageOfUser(h, ownerId);
        String over = limits.firstExceededBy(used.plus(wanted));
        if (over != null) {
            String who = group ? "the group " + kind.nameInPath(ownerName) + " uses " : "you use ";
            throw refused("\"" + stack + "\" needs " + needs(wanted) + ", but " + who + used.inWords(over) + " of "
                    + (group ? "its " : "your ") + limits.limitInWords(over) + ". Stop or delete"
                    + " one of " + (group ? "the group's" : "your") + " stacks, or ask an admin to raise "
                    + (group ? "the group's" : "your") + " quota.");
        }
    }

    private static BerthException refused(String message) {
        return new BerthException(403, "quota_exceeded", message, null);
    }

    private static String needs(Amounts a) {
        return a.inWords("containers") + ", " + a.inWords("CPU") + " and " + a.inWords("memory");
    }

    static Amounts merge(Amounts defaults, QuotaStore.Override o) {
        return new Amounts(o.stacks() != null ? o.stacks() : defaults.stacks(),
                o.containers() != null ? o.containers() : defaults.containers(),
                o.cpuMillis() != null ? o.cpuMillis() : defaults.cpuMillis(),
                o.memoryBytes() != null ? o.memoryBytes() : defaults.memoryBytes());
    }

    private static Amounts amounts(BerthConfig.Limit limit, String key) {
        try {
            return new Amounts(limit.stacks, limit.containers, Math.round(limit.cpu * 1000),
                    Amounts.parseMemory(limit.memory));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".memory: " + e.getMessage());
        }
    }
}
