package io.berth.backend.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import io.berth.backend.BackendException;
import io.berth.backend.engine.Causes;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.HealthCheck;
import io.berth.backend.engine.LogLines;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a started container to pass its {@link HealthCheck} on its address on the stack network, and explains
 * why when it does not: a container that exits (or restarts) fails the start at once with its exit code and last log
 * lines, without waiting out the deadline.
 */
public final class ServiceProbe {
    static final int LOG_LINES = 50;
    private static final long POLL_MILLIS = 50;
    private static final long LOG_TIMEOUT_SECONDS = 10;

    private final DockerCalls docker;

    ServiceProbe(DockerCalls docker) {
        this.docker = docker;
    }

    /**
     * Returns the container, inspected once it passes {@code check}. The check's own timeout (when the template
     * gives one) runs from now and replaces the launch's {@code deadline} ({@link System#nanoTime()},
     * {@code launchSeconds} after the launch): an operator who writes 120 s for a slow app means 120 s. Fails when
     * the container stops running and when the bound passes.
     */
    InspectContainerResponse awaitHealthy(String service, HealthCheck check, String containerId, String network,
                                          long deadline, int launchSeconds) throws BackendException {
        long own = check.timeoutSeconds() > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(check.timeoutSeconds())
                : deadline;
        boolean ownFirst = check.timeoutSeconds() > 0;
        long until = ownFirst ? own : deadline;
        while (true) {
            InspectContainerResponse info = docker.call("inspect container " + containerId,
                    c -> c.inspectContainerCmd(containerId).exec());
            InspectContainerResponse.ContainerState state = info.getState();
            // Docker counts a container waiting to be restarted as running; for a start it has exited all the same.
            if (!Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
                String oom = Boolean.TRUE.equals(state.getOOMKilled()) ? " (killed: out of memory)" : "";
                throw new BackendException("Service \"" + service + "\" exited with code "
                        + state.getExitCodeLong() + oom + " during start. Last log lines:\n"
                        + lastLogLines(containerId));
            }
            String ip = address(info, network);
            if (ip != null && check.passes(ip)) {
                return info;
            }
            if (System.nanoTime() - until > 0) {
                String bound = ownFirst ? check.timeoutSeconds() + " s (its health check's timeout)"
                        : launchSeconds + " s of the launch (docker.start_timeout_seconds)";
                throw new BackendException("Service \"" + service + "\" " + check.failure() + " within " + bound
                        + ". Last log lines:\n" + lastLogLines(containerId));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("The start of service \"" + service + "\" was interrupted.", e);
            }
        }
    }

    /** The address of a container on {@code network}, or null when it has none (yet). */
    static String address(InspectContainerResponse info, String network) {
        Map<String, ContainerNetwork> networks = info.getNetworkSettings() == null ? null
                : info.getNetworkSettings().getNetworks();
        ContainerNetwork attached = networks == null ? null : networks.get(network);
        String ip = attached == null ? null : attached.getIpAddress();
        return ip == null || ip.isEmpty() ? null : ip;
    }

    /** The last {@link #LOG_LINES} lines of the container's stdout and stderr, or a note saying why there are none. */
    String lastLogLines(String containerId) {
        try {
            String logs = docker.call("logs of container " + containerId, c -> {
                StringBuilder out = new StringBuilder();
                LogLines lines = new LogLines(line -> out.append(line).append('\n'));
                try (ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        synchronized (lines) { // fed on docker-java's callback thread
                            lines.accept(frame);
                        }
                    }
                }) {
                    c.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(LOG_LINES)
                            .exec(callback).awaitCompletion(LOG_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    // closing the finished log stream; what was read is all we need
                }
                synchronized (lines) {
                    lines.flush();
                    return out.toString().strip();
                }
            });
            return logs.isEmpty() ? "(no output)" : logs;
        } catch (RuntimeException e) {
            return "(logs unavailable: " + Causes.shortCause(e) + ")";
        }
    }
}
