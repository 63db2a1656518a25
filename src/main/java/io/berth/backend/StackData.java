package io.berth.backend;

import io.berth.backend.StackSpec.VolumeScope;
import io.berth.model.StackRef;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * What backups need of an engine ({@link Backend#data()}): a volume's files out as a tar and back in, a service held
 * still while its files are read, and a command whose output (or input) is a stream. Every call waits at most its
 * {@code timeout} for the engine and the data; a call that fails throws {@link BackendException} with a reason a user
 * can read, and leaves no helper object behind.
 */
public interface StackData {

    /**
     * Writes a tar of every file in the stack's named volume to {@code out}, paths relative to the volume's root
     * ({@code ./a/b}), owners and modes kept. Read through a container of {@code image} (any image on the engine; it
     * is created with the volume mounted read-only and never started), so the service may run meanwhile.
     *
     * @throws BackendException when the volume does not exist, or the engine fails
     */
    void readVolume(StackRef stack, VolumeScope scope, String volume, String image, OutputStream out,
                    Duration timeout) throws BackendException;

    /**
     * Replaces the volume with one holding exactly the files of {@code tar} (owners and modes kept): the old volume is
     * removed and made again with the same labels. No container may use it: stop the stack first.
     *
     * @throws BackendException when a container still uses the volume, or the engine refuses the archive
     */
    void replaceVolume(StackRef stack, VolumeScope scope, String volume, String image, InputStream tar,
                       Duration timeout) throws BackendException;

    /**
     * Stops one running service gracefully (its stop signal and stop grace), keeping its container, so its files are
     * at rest; {@link #resume} starts it again. Pausing a service that does not run does nothing.
     */
    void pause(StackRef stack, String service) throws BackendException;

    /** Starts a service {@link #pause}d before and returns once its container runs. */
    void resume(StackRef stack, String service) throws BackendException;

    /**
     * Runs {@code command} in the service's running container with its stdout written to {@code stdout} (as it
     * comes) and, when given, the file {@code stdin} as its input (copied into the container first and read there
     * through {@code sh}, which the image must have: an attached stdin's end does not reach the command reliably);
     * the result holds the exit code and the end of its stderr.
     */
    ExecResult stream(StackRef stack, String service, List<String> command, java.nio.file.Path stdin,
                      OutputStream stdout, Duration timeout) throws BackendException;
}
