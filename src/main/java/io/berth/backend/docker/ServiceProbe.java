package io.berth.backend.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import io.berth.backend.BackendException;
import io.berth.backend.StackSpec.ServiceSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a started container to answer on its port, and explains why when it does not. "Answers" means a TCP
 * connection to the container's address on the stack network is accepted: every service's server listens on TCP,
 * while not every one speaks HTTP (a database a template exposes to compute nodes), so no HTTP request is made.
 */
final class ServiceProbe {
    static final int LOG_LINES = 50;
    private static final long POLL_MILLIS = 50;
    private static final int CONNECT_TIMEOUT_MILLIS = 200;
    private static final long LOG_TIMEOUT_SECONDS = 10;

    private final DockerCalls docker;

    ServiceProbe(DockerCalls docker) {
        this.docker = docker;
    }

    /**
     * Returns the container's address on {@code network} once its port accepts connections. Fails at once when the
     * container exits, and when {@code deadline} ({@link System#nanoTime()}) passes; both with its last log lines.
     */
    String awaitAnswer(ServiceSpec service, String containerId, String network, long deadline, int timeoutSeconds)
            throws BackendException {
        while (true) {
            InspectContainerResponse info = docker.call("inspect container " + containerId,
                    c -> c.inspectContainerCmd(containerId).exec());
            InspectContainerResponse.ContainerState state = info.getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                String oom = Boolean.TRUE.equals(state.getOOMKilled()) ? " (killed: out of memory)" : "";
                throw new BackendException("Service \"" + service.name() + "\" exited with code "
                        + state.getExitCodeLong() + oom + " during start. Last log lines:\n"
                        + lastLogLines(containerId));
            }
            String ip = address(info, network);
            if (ip != null && accepts(ip, service.port())) {
                return ip;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new BackendException("Service \"" + service.name() + "\" did not answer on port " + service.port()
                        + " within " + timeoutSeconds + " s of the launch (docker.start_timeout_seconds)."
                        + " Last log lines:\n" + lastLogLines(containerId));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("The start of service \"" + service.name() + "\" was interrupted.", e);
            }
        }
    }

    /** The last {@link #LOG_LINES} lines of the container's stdout and stderr, or a note saying why there are none. */
    String lastLogLines(String containerId) {
        try {
            String logs = docker.call("logs of container " + containerId, c -> {
                StringBuffer out = new StringBuffer(); // appended on docker-java's callback thread
                try (ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }) {
                    c.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(LOG_LINES)
                            .exec(callback).awaitCompletion(LOG_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    // closing the finished log stream; what was read is all we need
                }
                return out.toString().strip();
            });
            return logs.isEmpty() ? "(no output)" : logs;
        } catch (RuntimeException e) {
            return "(logs unavailable: " + shortCause(e) + ")";
        }
    }

    /** The innermost message of an error, on one line, short enough for a page or a log line. */
    static String shortCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null || root.getMessage().isBlank()
                ? root.getClass().getSimpleName() : root.getMessage().strip().lines().findFirst().orElse("");
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    private static String address(InspectContainerResponse info, String network) {
        Map<String, ContainerNetwork> networks = info.getNetworkSettings() == null ? null
                : info.getNetworkSettings().getNetworks();
        ContainerNetwork attached = networks == null ? null : networks.get(network);
        String ip = attached == null ? null : attached.getIpAddress();
        return ip == null || ip.isEmpty() ? null : ip;
    }

    private static boolean accepts(String ip, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
