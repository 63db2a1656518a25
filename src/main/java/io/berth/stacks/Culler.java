package io.berth.stacks;

import io.berth.catalog.Catalog;
import io.berth.catalog.Template;
import io.berth.model.BerthException;
import io.berth.model.Stack;
import io.berth.model.StackState;
import io.berth.store.StackStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops READY stacks that nobody uses: after the template's {@code idle_timeout} without traffic through the proxy
 * (HTTP requests and WebSocket bytes), or {@code max_age} after they last started. With the template's
 * {@code idle_cpu_below} (cores), a sampling interval in which the stack's services together used at least that much
 * CPU counts as use as well: a dashboard nobody has open while its service trains is not idle. Culling stops — containers go,
 * volumes and the stack's record stay, and the owner starts it again with one click. Templates without these keys
 * (databases, by convention) are never culled.
 */
public final class Culler {
    private static final Logger LOG = LoggerFactory.getLogger(Culler.class);

    /** When a stack's services last used at least some CPU: what {@code usage/UsageHistory#lastBusy} answers. */
    @FunctionalInterface
    public interface CpuUse {
        Optional<Instant> lastBusy(long stackId, double cores, Instant since);

        CpuUse NONE = (stackId, cores, since) -> Optional.empty();
    }

    /** Told about each cull (the audit log). */
    public interface Listener {
        void culled(Stack stack, String why);
    }

    private final StackStore store;
    private final Catalog catalog;
    private final StackService stacks;
    private final StackEvents events;
    private final LongFunction<Optional<Instant>> recentTraffic;
    private final Listener listener;
    private final CpuUse cpu;

    /**
     * @param recentTraffic the last traffic of a stack not yet written to the store (the proxy's in-memory record)
     * @param cpu           when a stack last used CPU, for templates with {@code idle_cpu_below}
     */
    public Culler(StackStore store, Catalog catalog, StackService stacks, StackEvents events,
                  LongFunction<Optional<Instant>> recentTraffic, CpuUse cpu, Listener listener) {
        this.cpu = cpu;
        this.store = store;
        this.catalog = catalog;
        this.stacks = stacks;
        this.events = events;
        this.recentTraffic = recentTraffic;
        this.listener = listener;
    }

    /** One pass over the READY stacks; returns those it stopped. */
    public List<Stack> run() {
        Instant now = Instant.now();
        List<Stack> culled = new ArrayList<>();
        for (Stack stack : store.all()) {
            if (stack.state() != StackState.READY) {
                continue;
            }
            Optional<Deadline> due = deadline(stack).filter(d -> !now.isBefore(d.at()));
            if (due.isPresent()) {
                try {
                    stacks.stop(stack);
                    events.add(stack.id(), "Stopped by Berth: " + due.get().why() + ". Start it again when you need it;"
                            + " its data is kept.");
                    LOG.info("stack \"{}\" of \"{}\" culled: {}", stack.name(), stack.owner(), due.get().why());
                    listener.culled(stack, due.get().why());
                    culled.add(stack);
                } catch (BerthException e) {
                    LOG.debug("stack {} changed while culling: {}", stack.id(), e.getMessage());
                }
            }
        }
        return culled;
    }

    /** When a READY stack will be stopped unless used, and why; empty when its template never culls. */
    public record Deadline(Instant at, String why) { }

    public Optional<Deadline> deadline(Stack stack) {
        Template template = catalog.find(stack.template()).orElse(null);
        if (template == null || stack.state() != StackState.READY) {
            return Optional.empty();
        }
        Instant started = stack.updatedAt();
        Optional<Deadline> byAge = Optional.ofNullable(template.maxAge()).map(max ->
                new Deadline(started.plus(max), "it ran for " + human(max) + ", its template's max_age"));
        Optional<Deadline> byIdle = Optional.ofNullable(template.idleTimeout()).map(idle -> {
            Instant last = latest(started, store.lastActivity(stack.id()), recentTraffic.apply(stack.id()));
            if (template.idleCpuBelow() == null) {
                return new Deadline(last.plus(idle), "no traffic for " + human(idle) + ", its template's idle_timeout");
            }
            Instant busy = latest(last, cpu.lastBusy(stack.id(), template.idleCpuBelow(), last), Optional.empty());
            return new Deadline(busy.plus(idle), "no traffic and less than " + template.idleCpuBelow()
                    + " CPU cores for " + human(idle) + ", its template's idle_timeout and idle_cpu_below");
        });
        if (byAge.isPresent() && byIdle.isPresent()) {
            return byAge.get().at().isBefore(byIdle.get().at()) ? byAge : byIdle;
        }
        return byAge.isPresent() ? byAge : byIdle;
    }

    private static Instant latest(Instant first, Optional<Instant> second, Optional<Instant> third) {
        Instant out = first;
        for (Optional<Instant> other : List.of(second, third)) {
            if (other.isPresent() && other.get().isAfter(out)) {
                out = other.get();
            }
        }
        return out;
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + (s == 86_400 ? " day" : " days");
        }
        if (s % 3600 == 0) {
            return s / 3600 + (s == 3600 ? " hour" : " hours");
        }
        if (s % 60 == 0) {
            return s / 60 + (s == 60 ? " minute" : " minutes");
        }
        return s + (s == 1 ? " second" : " seconds");
    }
}
