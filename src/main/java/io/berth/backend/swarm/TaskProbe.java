package io.berth.backend.swarm;

import io.berth.backend.BackendException;
import io.berth.backend.LogText;
import io.berth.backend.engine.Backoff;
import io.berth.backend.engine.HealthCheck;
import io.berth.backend.engine.LogStreams;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a Swarm service's task to run and pass its {@link HealthCheck} at its address on the stack's network
 * (Berth's container is attached to it), and explains why when it does not: a task that fails, is rejected (no such
 * image on its node, no node meeting the constraints) or exits during the start fails the launch at once, with
 * Swarm's reason, its exit code and its last log lines.
 *
 * <p>Cheap while it waits, like the Docker backend's probe: attempts back off ({@link Backoff}: 50 ms doubling to 1 s,
 * at most 200 ms while connections are refused), and the service's tasks are listed (a call to the manager) only
 * until a running task has an address, after an attempt that got no answer at all, and at least once every
 * {@value #LIST_EVERY_MILLIS} ms: a refused connection means the task's container runs, its server is not up yet.
 */
final class TaskProbe {
    static final int LOG_LINES = 50;
    /** A backstop: list the tasks at least this often, whatever the attempts said. */
    static final long LIST_EVERY_MILLIS = 1000;
    private static final java.time.Duration LOG_TIMEOUT = java.time.Duration.ofSeconds(10);
    /** Enough for {@link #LOG_LINES} lines of a service that logs long ones. */
    private static final int LOG_CHARS = 64 * 1024;

    private final Tasks tasks;
    private final LogStreams logs;

    TaskProbe(Tasks tasks, LogStreams logs) {
        this.tasks = tasks;
        this.logs = logs;
    }

    /**
     * Returns the running task once it passes {@code check}. Bounded like the Docker backend's probe: the check's own
     * timeout when the template gives one, otherwise the launch's {@code deadline} ({@link System#nanoTime()}).
     */
    Tasks.Task awaitHealthy(String service, String serviceId, HealthCheck check, String network, long deadline,
                            int launchSeconds) throws BackendException {
        Instant since = Instant.now().minusSeconds(1);
        boolean ownFirst = check.timeoutSeconds() > 0;
        long until = ownFirst ? System.nanoTime() + TimeUnit.SECONDS.toNanos(check.timeoutSeconds()) : deadline;
        String last = "no task yet";
        Backoff backoff = new Backoff();
        Tasks.Task running = null;
        HealthCheck.Outcome attempt = HealthCheck.Outcome.FAILED;
        long listed = System.nanoTime();
        while (true) {
            String ip = running == null ? null : running.addresses().get(network);
            if (ip == null || attempt != HealthCheck.Outcome.REFUSED
                    || System.nanoTime() - listed > TimeUnit.MILLISECONDS.toNanos(LIST_EVERY_MILLIS)) {
                List<Tasks.Task> found = tasks.of(List.of(serviceId));
                listed = System.nanoTime();
                for (Tasks.Task task : found) {
                    // Earlier tasks of a service re-attached to may have failed long ago; only this start's count.
                    if (task.ended() && task.timestamp().isAfter(since)) {
                        String exit = task.exitCode() == null || task.describe().contains("(" + task.exitCode() + ")")
                                ? "" : ", exit code " + task.exitCode();
                        throw new BackendException("Service \"" + service + "\" did not start (" + task.describe() + exit
                                + "). Last log lines:\n" + lastLogLines(serviceId));
                    }
                }
                running = found.stream().filter(Tasks.Task::running).findFirst().orElse(null);
                ip = running == null ? null : running.addresses().get(network);
                if (!found.isEmpty()) {
                    last = found.get(0).describe();
                }
            }
            attempt = ip == null ? HealthCheck.Outcome.FAILED : check.attempt(ip);
            if (attempt == HealthCheck.Outcome.PASSED) {
                return running;
            }
            if (System.nanoTime() - until > 0) {
                String bound = ownFirst ? check.timeoutSeconds() + " s (its health check's timeout)"
                        : launchSeconds + " s of the launch (docker.start_timeout_seconds)";
                throw new BackendException("Service \"" + service + "\" " + check.failure() + " within " + bound
                        + " (its task: " + last + "). Last log lines:\n" + lastLogLines(serviceId));
            }
            try {
                Thread.sleep(backoff.nextMillis(attempt == HealthCheck.Outcome.REFUSED));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("The start of service \"" + service + "\" was interrupted.", e);
            }
        }
    }

    /** The last {@link #LOG_LINES} lines of the service's tasks, or a note saying why there are none. */
    String lastLogLines(String serviceId) {
        LogText log = new LogText(LOG_CHARS);
        try (var stream = logs.follow(serviceId, "logs of service " + serviceId, log, (c, callback) ->
                c.logServiceCmd(serviceId).withStdout(true).withStderr(true).withTail(LOG_LINES).exec(callback))) {
            log.await(LOG_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text = log.text().strip();
        return !text.isEmpty() ? text : log.reason() != null ? "(logs unavailable: " + log.reason() + ")" : "(no output)";
    }
}
