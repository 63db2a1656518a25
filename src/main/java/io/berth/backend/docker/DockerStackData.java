package io.berth.backend.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.berth.backend.BackendException;
import io.berth.backend.ExecResult;
import io.berth.backend.Labels;
import io.berth.backend.ObjectNames;
import io.berth.backend.StackData;
import io.berth.backend.StackSpec.ServiceSpec;
import io.berth.backend.StackSpec.VolumeScope;
import io.berth.backend.engine.Causes;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.Ownership;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups' access to one Docker engine. A volume's files go out and in through the engine's archive API on a helper
 * container that mounts the volume and is never started (so it needs no tool, not even a shell, and any image
 * present will do); the helper carries this instance's labels and the stack's, but no service label, so the
 * reconciler never takes it for a service, and it is removed after each use (or before the next, after a crash).
 */
final class DockerStackData implements StackData {
    private static final Logger LOG = LoggerFactory.getLogger(DockerStackData.class);
    /** Where a helper container mounts the volume. */
    static final String MOUNT = "/berth-volume";
    /** Marks helper containers; its value says what for. */
    static final String HELPER_LABEL = "berth.helper";

    private final DockerCalls docker;
    private final BerthConfig.Docker config;
    private final Ownership ownership;
    private final StreamedExec exec;

    DockerStackData(DockerCalls docker, BerthConfig.Docker config, Ownership ownership) {
        this.docker = docker;
        this.config = config;
        this.ownership = ownership;
        this.exec = new StreamedExec(docker);
    }

    @Override
    public void readVolume(StackRef ref, VolumeScope scope, String volume, String image, OutputStream out,
                           Duration timeout) throws BackendException {
        String name = existing(ref, scope, volume);
        String helper = helper(ref, volume, name, image, true);
        try (InputStream tar = docker.call("read volume " + name, timeout,
                c -> c.copyArchiveFromContainerCmd(helper, MOUNT + "/.").exec())) {
            tar.transferTo(out);
        } catch (IOException | RuntimeException e) {
            throw new BackendException("Reading the volume " + volume + " failed: " + Causes.shortCause(e), e);
        } finally {
            docker.removeContainer(helper);
        }
    }

    @Override
    public void replaceVolume(StackRef ref, VolumeScope scope, String volume, String image, InputStream tar,
                              Duration timeout) throws BackendException {
        String name = ObjectNames.volume(config.namePrefix, ref, scope, volume);
        InspectVolumeResponse found = docker.volumeNamed(name);
        Map<String, String> labels = new LinkedHashMap<>(scope == VolumeScope.STACK
                ? ownership.stackLabels(ref) : ownership.ownerLabels(ref.owner()));
        labels.put(Labels.VOLUME, volume);
        if (found != null) {
            Ownership.require(ours(found, ref, scope, volume), "volume", name);
            try {
                docker.call("remove volume " + name, c -> c.removeVolumeCmd(name).exec());
            } catch (ConflictException e) {
                throw new BackendException("The volume " + volume + " is in use by a running container, so it was"
                        + " not replaced: stop the stacks that use it first.", e);
            }
        }
        docker.call("create volume " + name,
                c -> c.createVolumeCmd().withName(name).withDriver("local").withLabels(labels).exec());
        String helper = helper(ref, volume, name, image, false);
        try {
            docker.call("write volume " + name, timeout, c -> c.copyArchiveToContainerCmd(helper)
                    .withRemotePath(MOUNT).withTarInputStream(tar).exec()); // owners as the tar says (copyUIDGID would chown to the image's user)
        } catch (RuntimeException e) {
            throw new BackendException("Writing the volume " + volume + " failed: " + Causes.shortCause(e), e);
        } finally {
            docker.removeContainer(helper);
        }
        LOG.info("stack \"{}\" of \"{}\": volume \"{}\" replaced from a backup", ref.stack(), ref.owner(), name);
    }

    @Override
    public void pause(StackRef ref, String service) throws BackendException {
        InspectContainerResponse found = docker.containerNamed(ObjectNames.container(config.namePrefix, ref, service));
        if (found == null || found.getState() == null || !Boolean.TRUE.equals(found.getState().getRunning())) {
            return;
        }
        String grace = found.getConfig() == null || found.getConfig().getLabels() == null ? null
                : found.getConfig().getLabels().get(ContainerFactory.STOP_GRACE_LABEL);
        int seconds = grace == null ? ServiceSpec.DEFAULT_STOP_GRACE_SECONDS : Integer.parseInt(grace.trim());
        try {
            docker.stopContainer(found.getId(), seconds).get(seconds + 60L, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("Interrupted while stopping " + service + " for a backup.", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new BackendException("Stopping " + service + " for a backup failed: " + Causes.shortCause(e), e);
        }
        LOG.info("stack \"{}\" of \"{}\": service \"{}\" stopped for a backup", ref.stack(), ref.owner(), service);
    }

    @Override
    public void resume(StackRef ref, String service) throws BackendException {
        String name = ObjectNames.container(config.namePrefix, ref, service);
        InspectContainerResponse found = docker.containerNamed(name);
        if (found == null) {
            throw new BackendException("The service " + service + " has no container any more; start the stack.");
        }
        try {
            docker.call("start " + name, c -> c.startContainerCmd(found.getId()).exec());
        } catch (NotModifiedException e) {
            LOG.debug("container {} already running", name);
        } catch (RuntimeException e) {
            throw new BackendException("Starting " + service + " after a backup failed: " + Causes.shortCause(e), e);
        }
        LOG.info("stack \"{}\" of \"{}\": service \"{}\" started after a backup", ref.stack(), ref.owner(), service);
    }

    @Override
    public ExecResult stream(StackRef ref, String service, List<String> command, java.nio.file.Path stdin,
                             OutputStream stdout, Duration timeout) throws BackendException {
        return exec.run(ObjectNames.container(config.namePrefix, ref, service), service, command, stdin, stdout,
                timeout);
    }

    /** The Docker name of an existing volume of the stack that is Berth's. */
    private String existing(StackRef ref, VolumeScope scope, String volume) throws BackendException {
        String name = ObjectNames.volume(config.namePrefix, ref, scope, volume);
        InspectVolumeResponse found = docker.volumeNamed(name);
        if (found == null) {
            throw new BackendException("The volume " + volume + " does not exist (has the stack ever started?).");
        }
        Ownership.require(ours(found, ref, scope, volume), "volume", name);
        return name;
    }

    private boolean ours(InspectVolumeResponse found, StackRef ref, VolumeScope scope, String volume) {
        boolean owned = scope == VolumeScope.STACK ? ownership.ofStack(found.getLabels(), ref)
                : ownership.ofOwner(found.getLabels(), ref.owner());
        return owned && volume.equals(found.getLabels().get(Labels.VOLUME));
    }

    /**
     * Creates (never starts) a helper container of {@code image} mounting volume {@code name}; one left by a Berth
     * that died mid-backup is removed first. The name holds {@code _}, which no service name does.
     */
    private String helper(StackRef ref, String volume, String name, String image, boolean readOnly)
            throws BackendException {
        String helperName = ObjectNames.container(config.namePrefix, ref, "_backup-" + volume);
        InspectContainerResponse stale = docker.containerNamed(helperName);
        if (stale != null) {
            Ownership.require(stale.getConfig() != null && stale.getConfig().getLabels() != null
                    && stale.getConfig().getLabels().containsKey(HELPER_LABEL)
                    && ownership.ofStack(stale.getConfig().getLabels(), ref), "container", helperName);
            docker.removeContainer(stale.getId());
        }
        Map<String, String> labels = ownership.stackLabels(ref);
        labels.put(HELPER_LABEL, "backup");
        try {
            return docker.call("create helper " + helperName, c -> c.createContainerCmd(image).withName(helperName)
                    .withLabels(labels).withEntrypoint("/berth-helper-is-never-started").withCmd(List.of())
                    .withNetworkDisabled(true)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withMounts(List.of(
                            new Mount().withType(MountType.VOLUME).withSource(name).withTarget(MOUNT)
                                    .withReadOnly(readOnly))))
                    .exec().getId());
        } catch (RuntimeException e) {
            throw new BackendException("Could not make a helper container for the volume " + volume + " from "
                    + image + ": " + Causes.shortCause(e), e);
        }
    }
}
