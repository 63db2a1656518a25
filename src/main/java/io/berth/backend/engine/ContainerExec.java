package io.berth.backend.engine;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import io.berth.backend.BackendException;
import io.berth.backend.ExecResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command inside a running container through the engine's exec API ({@code docker exec}), keeping the last
 * {@link ExecResult#MAX_OUTPUT} characters of its output: a command that prints megabytes holds Berth to a few
 * kilobytes. Waits up to the given time; a command still running then is reported as timed out and left to the
 * engine.
 */
public final class ContainerExec {
    /** Time on top of the command's own for the engine's calls around it. */
    private static final Duration MARGIN = Duration.ofSeconds(15);

    private final DockerCalls docker;

    public ContainerExec(DockerCalls docker) {
        this.docker = docker;
    }

    /** Runs {@code command} in the container named {@code container}; {@code what} names the service in messages. */
    public ExecResult run(String container, String what, List<String> command, Duration timeout) throws BackendException {
        InspectContainerResponse inspected;
        try {
            inspected = docker.containerNamed(container);
        } catch (NotFoundException e) {
            inspected = null;
        }
        if (inspected == null || inspected.getState() == null || !Boolean.TRUE.equals(inspected.getState().getRunning())) {
            throw new BackendException("The service " + what + " is not running, so nothing can be run in it.");
        }
        String id = inspected.getId();
        return docker.call("exec in " + what, timeout.plus(MARGIN), client -> {
            String exec = client.execCreateCmd(id).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            Tail tail = new Tail();
            boolean finished;
            try (var callback = client.execStartCmd(exec).exec(tail)) {
                finished = callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            } catch (java.io.IOException e) {
                finished = false;
            }
            Long code = finished ? client.inspectExecCmd(exec).exec().getExitCodeLong() : null;
            return new ExecResult(code == null ? null : code.intValue(), tail.text(), tail.cut);
        });
    }

    /** Keeps the last {@link ExecResult#MAX_OUTPUT} characters of both output streams. */
    private static final class Tail extends ResultCallback.Adapter<Frame> {
        private final StringBuilder kept = new StringBuilder();
        private boolean cut;

        @Override
        public synchronized void onNext(Frame frame) {
            kept.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            if (kept.length() > 2 * ExecResult.MAX_OUTPUT) {
                kept.delete(0, kept.length() - ExecResult.MAX_OUTPUT);
                cut = true;
            }
        }

        synchronized String text() {
            if (kept.length() > ExecResult.MAX_OUTPUT) {
                kept.delete(0, kept.length() - ExecResult.MAX_OUTPUT);
                cut = true;
            }
            return kept.toString();
        }
    }
}
