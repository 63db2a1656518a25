package io.berth.backend.engine;

import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.berth.backend.Backend.Progress;
import io.berth.backend.BackendException;
import io.berth.backend.Labels;
import io.berth.backend.ObjectNames;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.VolumeScope;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stack's named volumes: looked up by name and created when missing (never a host path: a template cannot reach
 * the host's files). Stack-scoped volumes carry the stack's labels and go with {@link #removeOfStack}; owner-scoped
 * ones carry only the owner's and are never removed by Berth, so one owner's stacks share them and they outlive every
 * stack. Both carry {@link Labels#VOLUME}, the name the template gives the volume.
 */
public final class Volumes {
    private static final Logger LOG = LoggerFactory.getLogger(Volumes.class);

    private final DockerCalls docker;
    private final BerthConfig.Docker config;
    private final Ownership ownership;

    public Volumes(DockerCalls docker, BerthConfig.Docker config, Ownership ownership) {
        this.docker = docker;
        this.config = config;
        this.ownership = ownership;
    }

    /**
     * The mounts of one service, creating each volume that does not exist yet. The names of stack-scoped volumes
     * this call created are added to {@code created}, so a failed first start removes them again; an owner-scoped
     * volume it created stays (another stack of the same owner may be starting with it at this moment).
     */
    public List<Mount> ensure(StackRef ref, List<StackSpec.Mount> mounts, Progress progress, List<String> created)
            throws BackendException {
        List<Mount> result = new ArrayList<>();
        for (StackSpec.Mount mount : Objects.requireNonNullElse(mounts, List.<StackSpec.Mount>of())) {
            VolumeScope scope = Objects.requireNonNullElse(mount.scope(), VolumeScope.STACK);
            if (scope == VolumeScope.HOST) {
                // Allowed by the operator (docker.host_paths); Docker refuses a folder that does not exist.
                progress.step("Mounting host folder " + mount.volume());
                result.add(new Mount().withType(MountType.BIND).withSource(mount.volume()).withTarget(mount.path()));
                continue;
            }
            String name = ObjectNames.volume(config.namePrefix, ref, scope, mount.volume());
            InspectVolumeResponse existing = docker.volumeNamed(name);
            if (existing != null) {
                Ownership.require(ours(existing.getLabels(), ref, scope, mount.volume()), "volume", name);
                progress.step("Using volume " + name);
            } else {
                progress.step("Creating volume " + name);
                Map<String, String> labels = scope == VolumeScope.STACK
                        ? ownership.stackLabels(ref) : ownership.ownerLabels(ref.owner());
                labels.put(Labels.VOLUME, mount.volume());
                docker.call("create volume " + name,
                        c -> c.createVolumeCmd().withName(name).withDriver("local").withLabels(labels).exec());
                if (scope == VolumeScope.STACK) {
                    created.add(name);
                }
                LOG.info("stack \"{}\" of \"{}\": created volume \"{}\"", ref.stack(), ref.owner(), name);
            }
            result.add(new Mount().withType(MountType.VOLUME).withSource(name).withTarget(mount.path()));
        }
        return result;
    }

    /** Removes the stack-scoped volumes of {@code ref} (found by label); what is already gone counts as removed. */
    public void removeOfStack(StackRef ref) {
        List<InspectVolumeResponse> volumes = docker.call("list volumes", c -> c.listVolumesCmd()
                .withFilter("label", List.of(Labels.INSTANCE + "=" + config.namePrefix, Labels.VOLUME)).exec()
                .getVolumes());
        int removed = 0;
        for (InspectVolumeResponse volume : Objects.requireNonNullElse(volumes, List.<InspectVolumeResponse>of())) {
            if (ownership.ofStack(volume.getLabels(), ref)) {
                docker.removeVolume(volume.getName());
                removed++;
            }
        }
        LOG.info("stack \"{}\" of \"{}\": removed {} stack volume(s)", ref.stack(), ref.owner(), removed);
    }

    /** Removes volumes a failed start created; errors are added to {@code failure}, which stays the one reported. */
    public void undo(StackRef ref, List<String> created, Exception failure) {
        for (String name : created) {
            try {
                docker.removeVolume(name);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                LOG.warn("stack \"{}\" of \"{}\": could not remove volume \"{}\": {}",
                        ref.stack(), ref.owner(), name, e.toString());
            }
        }
    }

    private boolean ours(Map<String, String> labels, StackRef ref, VolumeScope scope, String volume) {
        boolean owned = scope == VolumeScope.STACK
                ? ownership.ofStack(labels, ref) : ownership.ofOwner(labels, ref.owner());
        return owned && volume.equals(labels.get(Labels.VOLUME));
    }
}
