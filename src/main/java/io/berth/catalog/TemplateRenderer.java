package io.berth.catalog;

import io.berth.backend.StackSpec;
import io.berth.model.Route;
import io.berth.model.StackRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a template for one stack: every {@code ${…}} replaced, images mapped for this site, volumes scoped, and
 * each service told the URL prefix it is served under ({@code BERTH_PREFIX}; also {@code BERTH_USER},
 * {@code BERTH_STACK}, {@code BERTH_SERVICE}).
 */
public final class TemplateRenderer {
    private final ImageMap images;
    private final List<Path> hostPaths;

    /** {@code hostPaths}: the host folders (and what lies under them) templates may mount. */
    public TemplateRenderer(ImageMap images, List<String> hostPaths) {
        this.images = images;
        this.hostPaths = hostPaths.stream().map(p -> Path.of(p).toAbsolutePath().normalize()).toList();
    }

    public TemplateRenderer(ImageMap images) {
        this(images, List.of());
    }

    /**
     * The host folder a {@code host_path} volume resolves to for this stack, if the operator allows it: under one
     * of docker.host_paths both as written and after following symbolic links (a user's link must not lead out).
     *
     * @throws IllegalArgumentException with a message for the user when it is not allowed
     */
    public String hostPath(Template.Volume volume, Context ctx) {
        String resolved = resolve(volume.hostPath(), ctx, "");
        Path path = Path.of(resolved).normalize();
        if (!allowed(path)) {
            throw new IllegalArgumentException("The host folder " + path + " of volume \"" + volume.name()
                    + "\" is not under a folder this site allows (docker.host_paths in berth.yaml).");
        }
        try {
            Path real = path.toRealPath();
            if (!allowed(real)) {
                throw new IllegalArgumentException("The host folder " + path + " of volume \"" + volume.name()
                        + "\" leads to " + real + ", which is not under a folder this site allows.");
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("The host folder " + path + " of volume \"" + volume.name()
                    + "\" does not exist or cannot be read; ask your admin to create it.");
        }
        return path.toString();
    }

    private boolean allowed(Path path) {
        return path.isAbsolute() && hostPaths.stream().anyMatch(path::startsWith);
    }

    /**
     * Who and what a stack is, for rendering: {@code params} are checked values (defaults filled in), {@code
     * secrets} the stack's generated secrets, {@code group} null for a user's own stack.
     */
    public record Context(String owner, long uid, long gid, String group, String stack, Map<String, String> params,
                          Map<String, String> secrets, String user, Map<String, String> userSecrets) {
        public Context(String owner, long uid, long gid, String group, String stack, Map<String, String> params,
                       Map<String, String> secrets) {
            this(owner, uid, gid, group, stack, params, secrets, null, Map.of());
        }

        /**
         * This stack's context for one user of a site stack: {@code ${user.name}} is theirs (not the owner's) and
         * {@code ${user_secret.<name>}} their secrets.
         */
        public Context forUser(String name, Map<String, String> theirSecrets) {
            return new Context(owner, uid, gid, group, stack, params, secrets, name, theirSecrets);
        }
    }

    /** The image to run for a template's image name on this site. */
    public String image(String upstream) {
        return images.map(upstream);
    }

    /** One sentence on how to get the image to run for {@code upstream} onto the engine (see {@link ImageMap}). */
    public String missingAdvice(String upstream) {
        return images.missingAdvice(upstream);
    }

    /** A warning about running {@code image} (a development stand-in), or null. */
    public String imageNote(String image) {
        return images.note(image);
    }

    /** The stack's containers; {@link IllegalArgumentException} (with a message for users) for a refused host folder. */
    public StackSpec render(Template template, Context ctx) {
        List<StackSpec.ServiceSpec> services = new ArrayList<>();
        for (Template.Service s : template.services()) {
            String prefix = prefix(s, ctx);
            String prefixWithSlash = prefix + "/";
            Map<String, String> env = new LinkedHashMap<>();
            s.env().forEach((k, v) -> env.put(k, resolve(v, ctx, prefix)));
            env.put("BERTH_USER", ctx.owner());
            env.put("BERTH_STACK", ctx.stack());
            env.put("BERTH_SERVICE", s.name());
            env.put("BERTH_PREFIX", prefixWithSlash);
            List<String> command = new ArrayList<>();
            s.command().forEach(a -> command.add(resolve(a, ctx, prefix)));
            s.args().forEach(a -> command.add(resolve(a, ctx, prefix)));
            List<StackSpec.Mount> mounts = s.mounts().stream().map(m -> {
                Template.Volume v = template.volumes().get(m.volume());
                String source = v.scope() == StackSpec.VolumeScope.HOST ? hostPath(v, ctx) : m.volume();
                return new StackSpec.Mount(source, v.scope(), m.path());
            }).toList();
            Template.Health h = s.health();
            Template.Expose http = s.http();
            List<Integer> publish = s.expose().stream().filter(e -> e.kind() == Template.Expose.Kind.TCP)
                    .map(Template.Expose::port).toList();
            services.add(new StackSpec.ServiceSpec(s.name(), images.map(s.image()), command, env,
                    http == null ? 0 : http.port(), mounts, new StackSpec.Resources(s.cpus(), s.memoryBytes()),
                    new StackSpec.Health(h.kind(), h.port(), h.path() == null ? null : resolve(h.path(), ctx, prefix),
                            h.timeoutSeconds()),
                    publish, s.user() == null ? null : resolve(s.user(), ctx, prefix), s.placement(),
                    s.stopGraceSeconds(), s.dependsOn()));
        }
        return new StackSpec(new StackRef(ctx.owner(), ctx.stack()), services);
    }

    /**
     * A TCP port's text for users with {@code ${tcp.host}}/{@code ${tcp.port}} filled in: its connection string
     * (default {@code host:port}), e.g. {@code mongodb://root:…@host:31017/?authSource=admin}, or its snippet.
     */
    public String forClients(String text, Context ctx, String host, int port) {
        if (text == null) {
            return null;
        }
        return Interpolation.resolve(text, ref -> switch (ref) {
            case "tcp.host" -> host;
            case "tcp.port" -> Integer.toString(port);
            default -> value(ref, ctx, "");
        });
    }

    /** A service's provision command ({@code deprovision}: its deprovision command) for the user in {@code ctx}. */
    public List<String> provisionCommand(Template.Service s, Context ctx, boolean deprovision) {
        List<String> command = deprovision ? s.provision().deprovision() : s.provision().command();
        return command.stream().map(a -> resolve(a, ctx, prefix(s, ctx))).toList();
    }

    /** A service's backup command ({@code restore}: its restore command), resolved for the stack in {@code ctx}. */
    public List<String> backupCommand(Template.Service s, Context ctx, boolean restore) {
        List<String> command = restore ? s.backup().restore() : s.backup().command();
        return command.stream().map(a -> resolve(a, ctx, prefix(s, ctx))).toList();
    }

    /**
     * The link to an HTTP service: its URL path ({@code /} on a host of its own) plus the template's {@code open}
     * path, resolved.
     */
    public String link(Template.Service s, Context ctx) {
        Template.Expose http = s.http();
        String base = http.route() == Template.Expose.Route.HOST ? "/" : Route.prefix(ctx.owner(), ctx.stack(), s.name());
        return http.open() == null ? base : base + resolve(http.open(), ctx, prefix(s, ctx));
    }

    /**
     * The URL path prefix a service is served under, without the final slash ({@code ${stack.prefix}}, as
     * {@code --path_prefix} and {@code --static-prefix} want it): its own for path routing, empty on a host of its
     * own. {@code BERTH_PREFIX} carries the same with the slash (JupyterHub's convention).
     */
    public static String prefix(Template.Service s, Context ctx) {
        Template.Expose http = s.http();
        if (http != null && http.route() == Template.Expose.Route.HOST) {
            return "";
        }
        String p = Route.prefix(ctx.owner(), ctx.stack(), s.name());
        return p.substring(0, p.length() - 1);
    }

    private static String resolve(String text, Context ctx, String prefix) {
        return Interpolation.resolve(text, ref -> value(ref, ctx, prefix));
    }

    private static String value(String ref, Context ctx, String prefix) {
        String[] parts = ref.split("\\.");
        return switch (parts[0]) {
            case "user" -> switch (parts[1]) {
                case "name" -> ctx.user() != null ? ctx.user() : ctx.owner();
                case "uid" -> Long.toString(ctx.uid());
                default -> Long.toString(ctx.gid());
            };
            case "group" -> ctx.group() == null ? "" : ctx.group();
            case "stack" -> switch (parts[1]) {
                case "name" -> ctx.stack();
                case "owner" -> ctx.owner();
                default -> prefix;
            };
            case "param" -> ctx.params().getOrDefault(parts[1], "");
            case "secret" -> ctx.secrets().getOrDefault(parts[1], "");
            case "user_secret" -> ctx.userSecrets().getOrDefault(parts[1], "");
            case "service" -> parts[1]; // the service's name is its host name on the stack network
            default -> throw new IllegalStateException("unchecked reference ${" + ref + "}");
        };
    }
}
