package io.berth.backend.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.berth.backend.BackendException;
import io.berth.backend.ExecResult;
import io.berth.backend.engine.Causes;
import io.berth.backend.engine.DockerCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run in a service's running container whose stdout is data (a dump) and whose stdin may be data (a
 * restore): stdout goes to a stream as it comes, stderr is kept to its last {@link ExecResult#MAX_OUTPUT} characters
 * for the message of a failure. The engine's calls are short; the wait for the command happens on the caller's
 * thread, so a dump of an hour holds no thread of the engine's pool.
 */
final class StreamedExec {
    private final DockerCalls docker;

    StreamedExec(DockerCalls docker) {
        this.docker = docker;
    }

    /** Where a restore's input is put in the container, and removed from after its command. */
    static final String INPUT = "/tmp/.berth-restore-input";

    ExecResult run(String container, String service, List<String> command, java.nio.file.Path stdin,
                   OutputStream stdout, Duration timeout) throws BackendException {
        InspectContainerResponse found = docker.containerNamed(container);
        if (found == null || found.getState() == null || !Boolean.TRUE.equals(found.getState().getRunning())) {
            throw new BackendException("The service " + service + " is not running, so its backup command cannot run.");
        }
        String id = found.getId();
        Split split = new Split(stdout);
        List<String> run = command;
        if (stdin != null) {
            copyIn(id, service, stdin, timeout);
            run = new java.util.ArrayList<>(List.of("sh", "-c", "\"$@\" < " + INPUT + "; code=$?; rm -f " + INPUT
                    + "; exit $code", "sh"));
            run.addAll(command);
        }
        String[] argv = run.toArray(String[]::new);
        try {
            String exec = docker.call("exec in " + service, c -> c.execCreateCmd(id)
                    .withCmd(argv).withAttachStdout(true).withAttachStderr(true).exec().getId());
            docker.call("start exec in " + service, c -> c.execStartCmd(exec).exec(split));
            boolean finished = split.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            split.close();
            if (split.failure != null) {
                throw new BackendException("Writing the output of the backup command of " + service + " failed: "
                        + Causes.shortCause(split.failure), split.failure);
            }
            Long code = finished ? docker.call("inspect exec", c -> c.inspectExecCmd(exec).exec().getExitCodeLong())
                    : null;
            return new ExecResult(code == null ? null : code.intValue(), split.errors(), split.cut);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("Interrupted while running the command of " + service + ".", e);
        } catch (IOException | RuntimeException e) {
            throw new BackendException("Running the command of " + service + " failed: " + Causes.shortCause(e), e);
        }
    }

    /** Copies {@code file} into the container as {@link #INPUT} (readable by the container's user only). */
    private void copyIn(String id, String service, java.nio.file.Path file, Duration timeout) throws BackendException {
        java.nio.file.Path tar = null;
        try {
            tar = java.nio.file.Files.createTempFile(file.getParent(), "input-", ".tar");
            try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                    java.nio.file.Files.newOutputStream(tar))) {
                out.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.BIGNUMBER_POSIX);
                var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(INPUT.substring(5));
                entry.setSize(java.nio.file.Files.size(file));
                entry.setMode(0644);
                out.putArchiveEntry(entry);
                java.nio.file.Files.copy(file, out);
                out.closeArchiveEntry();
            }
            java.nio.file.Path finalTar = tar;
            try (InputStream in = java.nio.file.Files.newInputStream(finalTar)) {
                docker.call("copy input into " + service, timeout, c -> c.copyArchiveToContainerCmd(id)
                        .withRemotePath("/tmp").withTarInputStream(in).exec());
            }
        } catch (IOException | RuntimeException e) {
            throw new BackendException("Copying the dump into " + service + " failed: " + Causes.shortCause(e), e);
        } finally {
            if (tar != null) {
                try {
                    java.nio.file.Files.deleteIfExists(tar);
                } catch (IOException e) {
                    // a temporary file in the backups folder; the next restore's scratch cleanup does not reach it
                }
            }
        }
    }

    /** Stdout to the stream, stderr to a bounded tail; the first write error stops the copying. */
    private static final class Split extends ResultCallback.Adapter<Frame> {
        private final OutputStream stdout;
        private final StringBuilder errors = new StringBuilder();
        private volatile IOException failure;
        private boolean cut;

        Split(OutputStream stdout) {
            this.stdout = stdout;
        }

        @Override
        public synchronized void onNext(Frame frame) {
            if (frame.getStreamType() == StreamType.STDOUT || frame.getStreamType() == StreamType.RAW) {
                if (failure == null) {
                    try {
                        stdout.write(frame.getPayload());
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                return;
            }
            errors.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            if (errors.length() > 2 * ExecResult.MAX_OUTPUT) {
                errors.delete(0, errors.length() - ExecResult.MAX_OUTPUT);
                cut = true;
            }
        }

        synchronized String errors() {
            if (errors.length() > ExecResult.MAX_OUTPUT) {
                errors.delete(0, errors.length() - ExecResult.MAX_OUTPUT);
                cut = true;
            }
            return errors.toString();
        }
    }
}
