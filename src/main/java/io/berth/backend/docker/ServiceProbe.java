package io.berth.backend.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import io.berth.backend.BackendException;
import io.berth.backend.engine.Backoff;
import io.berth.backend.engine.Causes;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.HealthCheck;
import io.berth.backend.engine.LogLines;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a started container to pass its {@link HealthCheck} on its address on the stack network, and explains
 * why when it does not: a container that exits (or restarts) fails the start with its exit code and last log lines,
 * without waiting out the deadline.
 *
 * <p>Cheap while it waits: probes back off ({@link Backoff}: 50 ms doubling to 1 s, at most 200 ms while connections
 * are refused), and the container is inspected (an engine call, the dear part) only for its address on the first
 * probe, after an attempt that got no answer at all, and at least once every {@value #INSPECT_EVERY_MILLIS} ms. An attempt whose connection was refused needs no inspect: the
 * container's own network stack answered, so it runs (a stopped container's address answers nothing, and during a
 * start a container has no restart policy yet, see {@code ContainerFactory.keepRunning}). So a service that is not
 * listening yet costs one refused connection per probe, not a {@code docker inspect}; a container that exits is
 * still caught at the next probe, whose attempt gets no answer. Chosen over following the engine's event stream:
 * that needs one long-lived stream with reconnects and a catch-up after each gap to be trusted, where this keeps
 * every start self-contained. Each start probes on its own thread (a {@code StartQueue} slot), so the probes of one
 * stack never wait for another's.
 */
public final class ServiceProbe {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceProbe.class);
    static final int LOG_LINES = 50;
    /** A backstop: inspect at least this often, whatever the attempts said. */
    static final long INSPECT_EVERY_MILLIS = 1000;
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
        long began = System.nanoTime();
        Backoff backoff = new Backoff();
        InspectContainerResponse info = null;
        HealthCheck.Outcome last = HealthCheck.Outcome.FAILED;
        int probes = 0;
        int inspects = 0;
        long inspected = began;
        while (true) {
            probes++;
            String ip = info == null ? null : address(info, network);
            if (ip == null || last != HealthCheck.Outcome.REFUSED
                    || System.nanoTime() - inspected > TimeUnit.MILLISECONDS.toNanos(INSPECT_EVERY_MILLIS)) {
                info = inspectRunning(service, containerId);
                inspected = System.nanoTime();
                inspects++;
                ip = address(info, network);
            }
            last = ip == null ? HealthCheck.Outcome.FAILED : check.attempt(ip);
            if (last == HealthCheck.Outcome.PASSED) {
                LOG.debug("service \"{}\" passed {} after {} ms: {} probes, {} inspects", service, check.describe(),
                        (System.nanoTime() - began) / 1_000_000, probes, inspects);
                return info;
            }
            if (System.nanoTime() - until > 0) {
                String bound = ownFirst ? check.timeoutSeconds() + " s (its health check's timeout)"
                        : launchSeconds + " s of the launch (docker.start_timeout_seconds)";
                throw new BackendException("Service \"" + service + "\" " + check.failure() + " within " + bound
                        + ". Last log lines:\n" + lastLogLines(containerId));
            }
            try {
                Thread.sleep(backoff.nextMillis(last == HealthCheck.Outcome.REFUSED));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("The start of service \"" + service + "\" was interrupted.", e);
            }
        }
    }

    /** The container, inspected; fails the start when it no longer runs. */
    private InspectContainerResponse inspectRunning(String service, String containerId) throws BackendException {
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
        return info;
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
