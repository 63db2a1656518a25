package io.berth.backend.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.LogContainerCmd;
import io.berth.backend.Backend;
import io.berth.backend.Backend.LogSink;
import io.berth.backend.Backend.LogStream;
import io.berth.backend.ObjectNames;
import io.berth.backend.engine.Causes;
import io.berth.backend.engine.DockerCalls;
import io.berth.backend.engine.LogStreams;
import io.berth.backend.engine.Ownership;
import io.berth.config.BerthConfig;
import io.berth.model.StackRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker backend's {@code logs}: the service's container is found by name and labels on the shared
 * {@link DockerCalls}, and its log is streamed by {@link LogStreams}.
 */
final class ContainerLogs {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerLogs.class);

    private final DockerCalls docker;
    private final BerthConfig.Docker config;
    private final Ownership ownership;
    private final LogStreams streams;

    ContainerLogs(DockerCalls docker, BerthConfig.Docker config, Ownership ownership, LogStreams streams) {
        this.docker = docker;
        this.config = config;
        this.ownership = ownership;
        this.streams = streams;
    }

    /** See {@link Backend#logs}. */
    LogStream open(StackRef ref, String service, int tail, boolean follow, LogSink sink) {
        String name = ObjectNames.container(config.namePrefix, ref, service);
        InspectContainerResponse container;
        try {
            container = docker.containerNamed(name);
        } catch (RuntimeException e) {
            sink.end("The logs of \"" + service + "\" are unavailable: " + Causes.shortCause(e));
            return ended();
        }
        if (container == null || !ownership.ofStack(container.getConfig().getLabels(), ref)) {
            LOG.debug("stack \"{}\" of \"{}\": no container \"{}\" to read logs from", ref.stack(), ref.owner(), name);
            sink.end("Service \"" + service + "\" has no container: the stack is not running.");
            return ended();
        }
        String id = container.getId();
        return streams.follow(service, "logs of container " + name, sink, (c, follower) -> {
            LogContainerCmd cmd = c.logContainerCmd(id).withStdOut(true).withStdErr(true)
                    .withFollowStream(follow).withTimestamps(false);
            return (tail < 0 ? cmd.withTailAll() : cmd.withTail(tail)).exec(follower);
        });
    }

    /** A stream that has already ended, for a service without a container: closing it does nothing. */
    private static LogStream ended() {
        return () -> { };
    }
}
