package io.berth.backend;

import io.berth.model.StackRef;
import java.util.List;
import java.util.Map;

/**
 * What a backend needs to start a stack: its name and its services, fully resolved (no template syntax left).
 * Services are listed in start order: each one is started only after the ones before it pass their health check.
 * A stop goes the other way: a service gets its stop signal once the services that depend on it have stopped.
 */
public record StackSpec(StackRef ref, List<ServiceSpec> services) {

    /**
     * One container.
     *
     * @param name      the service's name within the stack (also its host name on the stack network)
     * @param image     image reference, already mapped through {@code images} in berth.yaml
     * @param command   the command; empty: the image's default
     * @param env       environment variables
     * @param port      the port its web UI listens on, forwarded to by the proxy; 0: no web UI
     * @param volumes   named volumes to mount
     * @param resources CPU and memory limits
     * @param health    what "started" means for this service
     * @param publish   container TCP ports to publish on the host for clients outside Berth (compute nodes)
     * @param user      {@code uid[:gid]} to run as; null: the image's default user
     * @param placement constraints on the node that runs it ({@code node.labels.disk==local}); a backend of one
     *                  node ignores them
     * @param stopGraceSeconds how long a stop waits, after the image's stop signal (SIGTERM unless its
     *                  {@code STOPSIGNAL} says otherwise), for the service to shut down before the engine kills it
     * @param dependsOn the services of this stack it needs (the template's {@code depends_on}): a stop lets those
     *                  that need it shut down first
     */
    public record ServiceSpec(String name, String image, List<String> command, Map<String, String> env, int port,
                              List<Mount> volumes, Resources resources, Health health, List<Integer> publish,
                              String user, List<String> placement, int stopGraceSeconds, List<String> dependsOn) {
        /** The stop grace of a service whose template gives none; Docker's own default. */
        public static final int DEFAULT_STOP_GRACE_SECONDS = 10;
        /** The longest stop grace a template may ask for: a stop, and the delete behind it, wait up to this long. */
        public static final int MAX_STOP_GRACE_SECONDS = 600;

        public ServiceSpec(String name, String image, List<String> command, Map<String, String> env, int port,
                           List<Mount> volumes, Resources resources, Health health, List<Integer> publish,
                           String user, List<String> placement) {
            this(name, image, command, env, port, volumes, resources, health, publish, user, placement,
                    DEFAULT_STOP_GRACE_SECONDS, List.of());
        }

        public ServiceSpec(String name, String image, List<String> command, Map<String, String> env, int port,
                           List<Mount> volumes, Resources resources, Health health, List<Integer> publish,
                           String user) {
            this(name, image, command, env, port, volumes, resources, health, publish, user, List.of());
        }

        /** A web service with no volumes, limits or published ports, healthy once {@code port} accepts TCP. */
        public ServiceSpec(String name, String image, List<String> command, Map<String, String> env, int port) {
            this(name, image, command, env, port, List.of(), Resources.UNLIMITED, Health.tcp(port, 0), List.of(), null);
        }
    }

    /** Where a volume is mounted, and whose it is; for {@code HOST}, {@code volume} is the host folder's path. */
    public record Mount(String volume, VolumeScope scope, String path) { }

    /**
     * Whose a named volume is: {@code STACK} volumes live and die with the stack (kept on stop, removed on a delete
     * with data); {@code OWNER} volumes are shared by all stacks of one owner and outlive them; {@code HOST} is a
     * folder of the host (checked against berth.yaml's docker.host_paths before it gets here), never removed.
     */
    public enum VolumeScope { STACK, OWNER, HOST }

    /** CPU (cores, fractional) and memory (bytes) limits; 0 means no limit. */
    public record Resources(double cpus, long memoryBytes) {
        public static final Resources UNLIMITED = new Resources(0, 0);
    }

    /**
     * When a started service counts as up: {@code TCP} when {@code port} accepts a connection, {@code HTTP} when a GET
     * of {@code path} on {@code port} answers with a status below 500, {@code NONE} once the container runs.
     * {@code timeoutSeconds} 0 means the backend's default start timeout.
     */
    public record Health(Kind kind, int port, String path, int timeoutSeconds) {
        public enum Kind { TCP, HTTP, NONE }

        public static Health tcp(int port, int timeoutSeconds) {
            return port > 0 ? new Health(Kind.TCP, port, null, timeoutSeconds) : new Health(Kind.NONE, 0, null, timeoutSeconds);
        }
    }
}
