package io.berth.stacks;

import io.berth.backend.OomKill;
import io.berth.catalog.Catalog;
import io.berth.catalog.Template;
import io.berth.model.Bytes;
import io.berth.model.Stack;
import io.berth.model.StackEvent;
import io.berth.store.StackStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a stack's owner when the kernel killed one of its services for running out of memory. Each kill the backend
 * reports ({@link io.berth.backend.Backend#watchOomKills}) becomes one line of the stack's history, dated when the
 * engine saw the container end: {@code mongo killed: out of memory (limit 64 MiB)}. A kill reported twice (the
 * backend asked the engine again after losing it, or replayed the minutes before a restart of Berth) is recognised by
 * that date and written once.
 *
 * <p>The stack page's warning is read back from that history ({@link #recent}): a service shows it for
 * {@link #RECENT} after its last kill. Not "until it runs again": the engine restarts a killed service within a
 * second, so such a warning would be gone before anyone saw it, while the limit that killed it is unchanged and the
 * next kill likely; a day covers an owner who looks once a day, and the history keeps every kill after that.
 */
public final class OomKills implements Consumer<OomKill> {
    /** How long after a service's last kill the stack page warns about it. */
    public static final Duration RECENT = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(OomKills.class);
    private static final String KILLED = " killed: out of memory (";
    private static final Pattern LINE = Pattern.compile("(\\S+)" + Pattern.quote(KILLED) + "([^()]*)\\)");

    /** Told once per kill written to a history (metrics). */
    public interface Listener {
        void oomKilled(Stack stack, OomKill kill);
    }

    /** A service's kills within {@link #RECENT}: how many, the last one's time, and its limit in words. */
    public record Recent(String service, int times, Instant last, String limit) { }

    private record Key(long stackId, String service) { }

    private final StackStore stacks;
    private final StackEvents events;
    private final Catalog catalog;
    private final Listener listener;
    /** The last kill of each service killed since Berth started ({@link CrashLoops} names it in its reason). */
    private final Map<Key, Instant> last = new ConcurrentHashMap<>();

    public OomKills(StackStore stacks, StackEvents events, Catalog catalog, Listener listener) {
        this.stacks = stacks;
        this.events = events;
        this.catalog = catalog;
        this.listener = listener;
    }

    /** Whether the kernel killed the service of the stack for memory at {@code since} or later. */
    boolean killedSince(long stackId, String service, Instant since) {
        Instant at = last.get(new Key(stackId, service));
        return at != null && !at.isBefore(since);
    }

    @Override
    public void accept(OomKill kill) {
        Optional<Stack> found = stacks.find(kill.stack().owner(), kill.stack().stack());
        if (found.isEmpty()) {
            LOG.debug("out-of-memory kill of \"{}\" in stack \"{}\" of \"{}\", which has no record", kill.service(),
                    kill.stack().stack(), kill.stack().owner());
            return;
        }
        Stack stack = found.get();
        if (kill.at().isBefore(stack.createdAt())) {
            return; // replayed from before this stack was launched: an earlier stack of that name, deleted since
        }
        long limit = kill.memoryLimitBytes() > 0 ? kill.memoryLimitBytes() : templateLimit(stack, kill.service());
        String message = message(kill.service(), limit);
        last.merge(new Key(stack.id(), kill.service()), kill.at(), (a, b) -> a.isAfter(b) ? a : b);
        // stores keep microseconds or less: compare what survives a round trip through either
        Instant at = kill.at().truncatedTo(ChronoUnit.MILLIS);
        boolean told = events.of(stack.id()).stream()
                .anyMatch(e -> e.message().equals(message) && e.at().truncatedTo(ChronoUnit.MILLIS).equals(at));
        if (told) {
            return;
        }
        events.add(stack.id(), at, message);
        LOG.warn("stack \"{}\" of \"{}\": {} (container {})", stack.name(), stack.owner(), message,
                kill.containerId().substring(0, Math.min(12, kill.containerId().length())));
        listener.oomKilled(stack, kill);
    }

    /** The history line of one kill: {@code mongo killed: out of memory (limit 64 MiB)}. */
    static String message(String service, long limitBytes) {
        return service + KILLED + (limitBytes > 0 ? "limit " + Bytes.binary(limitBytes) : "no limit of its own") + ")";
    }

    /**
     * Per service, its kills in {@code history} within {@link #RECENT} before {@code now}, in the order of each
     * service's first kill.
     */
    public static List<Recent> recent(List<StackEvent> history, Instant now) {
        Instant from = now.minus(RECENT);
        Map<String, Recent> byService = new LinkedHashMap<>();
        for (StackEvent e : history) {
            Matcher m = LINE.matcher(e.message());
            if (!m.matches() || e.at().isBefore(from)) {
                continue;
            }
            Recent before = byService.get(m.group(1));
            Instant last = before == null || e.at().isAfter(before.last()) ? e.at() : before.last();
            byService.put(m.group(1), new Recent(m.group(1), before == null ? 1 : before.times() + 1, last, m.group(2)));
        }
        return new ArrayList<>(byService.values());
    }

    /** The memory limit the template gives the service (0: none), for a container gone before it was inspected. */
    private long templateLimit(Stack stack, String service) {
        return catalog.find(stack.template()).stream().flatMap(t -> t.services().stream())
                .filter(s -> s.name().equals(service)).mapToLong(Template.Service::memoryBytes).findFirst().orElse(0);
    }
}
