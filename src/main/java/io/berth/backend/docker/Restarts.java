package io.berth.backend.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import io.berth.backend.engine.DockerCalls;
import io.berth.config.BerthConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How often Docker's restart policy brought a container back lately, and with which exit code it last ended: the
 * engine's {@code die} events of the container within {@code crash_loop_window_seconds}. A crash loop is invisible in
 * a container list (most of the time the container is "Up 2 seconds"), and {@code RestartCount} counts since
 * creation and loses the exit code once the container runs again; the events keep both.
 *
 * <p>Only containers that are restarting, or young ("Up N seconds") although created well before that (so they have
 * been restarted), are asked about, one bounded call each: a fresh container that runs since it was made, or one up
 * for a minute, is not in a loop that matters now, and a healthy engine costs nothing extra per reconcile pass.
 */
final class Restarts {
    /** Restarts within the window, the exit code of the last one and when the first was (nulls when none). */
    record Count(int restarts, Integer lastExit, Instant first) {
        static final Count NONE = new Count(0, null, null);
    }

    private static final Duration EVENTS_TIMEOUT = Duration.ofSeconds(5);
    /** Seconds from creating a container to running it (Berth starts it right after); more only costs one call. */
    private static final long START_SLACK_SECONDS = 3;
    private static final java.util.regex.Pattern UP_SECONDS = java.util.regex.Pattern.compile("Up (\\d+) seconds?\\b.*");

    private final DockerCalls docker;
    private final int windowSeconds;

    Restarts(DockerCalls docker, BerthConfig.Docker config) {
        this.docker = docker;
        this.windowSeconds = config.crashLoopWindowSeconds;
    }

    Count of(Container container) {
        String status = container.getStatus() == null ? "" : container.getStatus();
        long now = Instant.now().getEpochSecond();
        java.util.regex.Matcher up = UP_SECONDS.matcher(status);
        long upSeconds = status.startsWith("Up Less than") ? 0 : up.matches() ? Long.parseLong(up.group(1)) : -1;
        boolean restartedLately = upSeconds >= 0 && container.getCreated() != null
                && now - container.getCreated() > upSeconds + START_SLACK_SECONDS;
        if (!restartedLately && !"restarting".equals(container.getState())) {
            return Count.NONE;
        }
        List<Event> dies = docker.call("events of container " + container.getId(), EVENTS_TIMEOUT.plusSeconds(1), c -> {
            List<Event> found = new ArrayList<>();
            try {
                c.eventsCmd().withSince(Long.toString(now - windowSeconds)).withUntil(Long.toString(now + 1))
                        .withContainerFilter(container.getId()).withEventFilter("die")
                        .exec(new ResultCallback.Adapter<Event>() {
                            @Override
                            public void onNext(Event event) {
                                synchronized (found) {
                                    found.add(event);
                                }
                            }
                        }).awaitCompletion(EVENTS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (found) {
                return List.copyOf(found);
            }
        });
        if (dies.isEmpty()) {
            return Count.NONE;
        }
        // Berth's own stops end a container too, but a stopped container is not restarted: every die of a container
        // that runs (or is restarting) again was followed by a restart.
        Map<String, String> last = dies.get(dies.size() - 1).getActor() == null ? Map.of()
                : dies.get(dies.size() - 1).getActor().getAttributes();
        Integer exit = null;
        try {
            exit = last == null || last.get("exitCode") == null ? null : Integer.valueOf(last.get("exitCode"));
        } catch (NumberFormatException e) {
            // no code then
        }
        Event first = dies.get(0);
        Instant firstAt = first.getTimeNano() != null ? Instant.ofEpochSecond(0, first.getTimeNano())
                : first.getTime() != null ? Instant.ofEpochSecond(first.getTime()) : Instant.now();
        return new Count(dies.size(), exit, firstAt);
    }
}
