package io.berth.catalog;

import io.berth.backend.StackSpec;
import io.berth.model.OwnerKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stack template from {@code templates/<name>.yaml}, validated: what a user can launch. Strings may still hold
 * {@code ${…}} references; {@link TemplateRenderer} resolves them for one stack. {@code services} are in start order
 * (every service after those it depends on). {@code trusted}: the site vouches that no user controls what its
 * services' pages run, so they may be served on a path of the portal's origin ({@code proxy.path_routing}).
 * {@code userSecrets}: secrets generated once per user of a site stack ({@code ${user_secret.<name>}}), for
 * {@link Provision} commands and the connection strings each user is shown. {@code idleCpuBelow}: CPU cores
 * (all services together) below which a stack counts as idle for {@code idleTimeout}; null: CPU is not considered.
 * {@code backups}: the template's own schedule and retention for its stacks' data backups ({@link BackupPolicy}).
 */
public record Template(String name, String title, String description, String icon, String category,
                       Set<OwnerKind> ownerKinds, Duration idleTimeout, Duration maxAge, Double idleCpuBelow,
                       List<Parameter> parameters, List<String> secrets, Map<String, Volume> volumes,
                       List<Service> services, boolean trusted, List<String> userSecrets, BackupPolicy backups) {

    /** This template with each HTTP service's route set as given (services not named keep theirs). */
    public Template withRoutes(Map<String, Expose.Route> routes) {
        List<Service> changed = services.stream().map(s -> s.withRoute(routes.get(s.name()))).toList();
        return new Template(name, title, description, icon, category, ownerKinds, idleTimeout, maxAge, idleCpuBelow,
                parameters,
                secrets, volumes, changed, trusted, userSecrets, backups);
    }

    /**
     * A volume the template declares, and whose it is ({@code stack}: one per stack; {@code owner}: shared), or a
     * host folder ({@code hostPath}, may hold references; allowed only under berth.yaml's docker.host_paths).
     */
    public record Volume(String name, StackSpec.VolumeScope scope, String hostPath) {
        /** A named volume (not a host folder). */
        public Volume(String name, StackSpec.VolumeScope scope) {
            this(name, scope, null);
        }
    }

    /**
     * One container. {@code command} replaces the image's command; {@code args} follow it (or, without a command,
     * are the arguments of the image's entrypoint). {@code placement}: constraints on the node that runs it, for
     * backends with several nodes. {@code stopGraceSeconds}: how long a stop waits for it to shut down after its stop
     * signal before it is killed ({@code stop_grace}). {@code provision}: what makes each user of a site stack an
     * account in it, or null. {@code backup}: how its data is backed up ({@code backup:}), or null.
     */
    public record Service(String name, String image, List<String> command, List<String> args, Map<String, String> env,
                          List<Mount> mounts, double cpus, long memoryBytes, Health health, List<String> dependsOn,
                          String user, List<Expose> expose, List<String> placement, int stopGraceSeconds,
                          Provision provision, Backup backup) {

        /** This service with its HTTP port served by {@code route} (unchanged when null or without one). */
        Service withRoute(Expose.Route route) {
            Expose http = http();
            if (route == null || http == null || http.route() == route) {
                return this;
            }
            List<Expose> changed = expose.stream().map(e -> e != http ? e : new Expose(e.kind(), e.port(), route,
                    e.name(), e.connection(), e.snippet(), e.open(), e.identity())).toList();
            return new Service(name, image, command, args, env, mounts, cpus, memoryBytes, health, dependsOn, user,
                    changed, placement, stopGraceSeconds, provision, backup);
        }

        /** The HTTP port the proxy serves, if any. */
        public Expose http() {
            return expose.stream().filter(e -> e.kind() == Expose.Kind.HTTP).findFirst().orElse(null);
        }
    }

    /**
     * Commands run inside a site stack's running service, once for each user of its audience before they are shown
     * their connection ({@code command}) and when an admin removes them ({@code deprovision}, may be empty); each
     * must be idempotent, may use {@code ${user.name}} and {@code ${user_secret.<name>}}, and is given
     * {@code timeoutSeconds}.
     */
    public record Provision(List<String> command, List<String> deprovision, int timeoutSeconds) { }

    /**
     * How a service's data is backed up: a dump ({@code command} writes it to stdout inside the running service,
     * {@code restore} reads it from stdin; {@code volumes} empty) or a file archive of the named {@code volumes} it
     * mounts ({@code command} and {@code restore} empty), taken with the service stopped when {@code pause}.
     * {@code timeoutSeconds} bounds one dump, archive or restore of this service.
     */
    public record Backup(List<String> command, List<String> restore, List<String> volumes, boolean pause,
                         int timeoutSeconds) {
        /** Whether the application dumps itself ({@code command}) rather than its volumes being archived. */
        public boolean dump() {
            return !command.isEmpty();
        }
    }

    /** The services that declare a backup, in start order. */
    public List<Service> backedUp() {
        return services.stream().filter(s -> s.backup() != null).toList();
    }

    /** A volume mounted into a service. */
    public record Mount(String volume, String path) { }

    /** When the service counts as started: a TCP connect, an HTTP GET, or just running. */
    public record Health(StackSpec.Health.Kind kind, int port, String path, int timeoutSeconds) { }

    /**
     * A port the service offers. HTTP ports go through the proxy ({@code route}: under a path prefix, or on a host
     * name of their own); TCP ports are published on the host for clients outside Berth, shown to users with a
     * {@code connection} string (which may use {@code ${tcp.host}} and {@code ${tcp.port}}) and an optional code
     * {@code snippet} (e.g. a Sacred MongoObserver line). {@code open} is the path (and query) the stack page's link
     * to an HTTP service adds to its URL, e.g. {@code lab?token=${secret.token}}. {@code identity}: the proxy tells
     * the HTTP service who is calling ({@code identity: headers}: the caller's name, groups, e-mail and a signed
     * assertion in request headers).
     */
    public record Expose(Kind kind, int port, Route route, String name, String connection, String snippet,
                         String open, boolean identity) {
        public enum Kind { HTTP, TCP }

        public enum Route {
            PATH, HOST;

            /** As stored with a stack ({@code routes.mode}): {@code path} or {@code host}. */
            public String mode() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }

            public static Route of(String mode) {
                return "host".equals(mode) ? HOST : PATH;
            }
        }
    }

    public List<String> httpServices() {
        return services.stream().filter(s -> s.http() != null).map(Service::name).toList();
    }

    public List<String> images() {
        return services.stream().map(Service::image).distinct().toList();
    }

    public Parameter parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
}
