package io.berth.catalog;

import io.berth.backend.StackSpec.Health.Kind;
import io.berth.backend.StackSpec.ServiceSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one entry of a template's {@code services}, checking every reference against the template's names. */
final class ServiceParser {
    private static final Set<String> SERVICE = Set.of("image", "command", "args", "env", "volumes", "resources",
            "health", "depends_on", "user", "expose", "placement", "stop_grace", "provision", "backup");
    /** A Swarm placement constraint: an attribute ({@code node.labels.disk}), {@code ==} or {@code !=}, a value. */
    private static final java.util.regex.Pattern CONSTRAINT =
            java.util.regex.Pattern.compile("[A-Za-z0-9_.\\-]+ *(==|!=) *[^ ]+");
    private static final Set<String> EXPOSE = Set.of("http", "tcp", "route", "name", "connection", "snippet", "open",
            "identity");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Seconds a provision command may run when its template says nothing, and at most. */
    static final int DEFAULT_PROVISION_SECONDS = 60;
    static final int MAX_PROVISION_SECONDS = 600;
    /** Most seconds a service may take to become healthy. */
    static final int MAX_HEALTH_TIMEOUT_SECONDS = 3600;

    private final Map<String, Template.Volume> volumes;
    private final Collection<String> services;
    private final References references;

    ServiceParser(Map<String, Template.Volume> volumes, References references) {
        this.volumes = volumes;
        this.services = references.services();
        this.references = references;
    }

    Template.Service parse(String name, YamlNode nameNode, YamlNode node) throws TemplateException {
        if (!TemplateParser.SLUG.matcher(name).matches()) {
            throw nameNode.error("a service name is 1-30 of a-z, 0-9 and -, starting with a letter or digit");
        }
        if (node.isNull()) {
            throw node.error("is empty; a service needs at least an image");
        }
        Map<String, YamlNode> f = node.map(SERVICE);
        YamlNode imageNode = YamlNode.require(node, f, "image");
        String image = imageNode.string().trim();
        if (image.isEmpty() || image.contains("${") || image.chars().anyMatch(Character::isWhitespace)) {
            throw imageNode.error("must be an image reference like mongo:8.0 (no spaces, no ${…})");
        }
        List<String> command = arguments(f, "command");
        List<String> args = arguments(f, "args");
        Map<String, String> env = YamlNode.get(f, "env").isPresent() ? f.get("env").stringMap() : Map.of();
        for (var e : env.entrySet()) {
            YamlNode at = f.get("env").entries().get(e.getKey());
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw f.get("env").key(e.getKey()).error("\"" + e.getKey() + "\" is not a valid environment variable name");
            }
            if (e.getKey().startsWith("BERTH_")) {
                throw f.get("env").key(e.getKey()).error("names starting with BERTH_ are set by Berth itself");
            }
            checkReferences(at, e.getValue(), false);
        }
        List<Template.Mount> mounts = mounts(f);
        double cpus = 0;
        long memory = 0;
        if (YamlNode.get(f, "resources").isPresent()) {
            Map<String, YamlNode> r = f.get("resources").map(Set.of("cpu", "memory"));
            if (YamlNode.get(r, "cpu").isPresent()) {
                if (!r.get("cpu").string().trim().matches("\\d{1,3}(\\.\\d{1,3})?")) {
                    throw r.get("cpu").error("\"" + r.get("cpu").string() + "\" is not a number of cores: write e.g. 0.5 or 2");
                }
                cpus = r.get("cpu").number();
                if (cpus <= 0 || cpus > 256) {
                    throw r.get("cpu").error("must be a number of cores above 0, like 0.5 or 2");
                }
            }
            if (YamlNode.get(r, "memory").isPresent()) {
                memory = Quantities.memory(r.get("memory"));
            }
        }
        List<Template.Expose> expose = expose(f);
        Template.Health health = health(f, expose);
        List<String> dependsOn = YamlNode.get(f, "depends_on").isPresent() ? f.get("depends_on").strings() : List.of();
        for (int i = 0; i < dependsOn.size(); i++) {
            String dep = dependsOn.get(i);
            YamlNode at = f.get("depends_on").isScalar() ? f.get("depends_on") : f.get("depends_on").list().get(i);
            if (!services.contains(dep)) {
                throw at.error("there is no service \"" + dep + "\" in this template");
            }
            if (dep.equals(name)) {
                throw at.error("a service cannot depend on itself");
            }
        }
        String user = null;
        if (YamlNode.get(f, "user").isPresent()) {
            user = f.get("user").string();
            checkReferences(f.get("user"), user, false);
        }
        List<String> placement = YamlNode.get(f, "placement").isPresent() ? f.get("placement").strings() : List.of();
        for (int i = 0; i < placement.size(); i++) {
            if (!CONSTRAINT.matcher(placement.get(i).trim()).matches()) {
                YamlNode at = f.get("placement").isScalar() ? f.get("placement") : f.get("placement").list().get(i);
                throw at.error("\"" + placement.get(i) + "\" is not a placement constraint: write e.g."
                        + " node.labels.disk==local or node.role!=manager");
            }
        }
        int stopGrace = YamlNode.get(f, "stop_grace").isPresent()
                ? Quantities.seconds(f.get("stop_grace"), "a grace period", ServiceSpec.MAX_STOP_GRACE_SECONDS)
                : ServiceSpec.DEFAULT_STOP_GRACE_SECONDS;
        return new Template.Service(name, image, command, args, env, mounts, cpus, memory, health, dependsOn, user, expose,
                placement.stream().map(String::trim).toList(), stopGrace, provision(f),
                BackupParser.parse(YamlNode.get(f, "backup"), mounts, volumes, references));
    }

    private List<String> arguments(Map<String, YamlNode> f, String key) throws TemplateException {
        return arguments(f, key, References.Where.SERVICE);
    }

    private List<String> arguments(Map<String, YamlNode> f, String key, References.Where where)
            throws TemplateException {
        var node = YamlNode.get(f, key);
        if (node.isEmpty()) {
            return List.of();
        }
        if (node.get().isScalar()) {
            throw node.get().error("must be a list of arguments, like [sh, -c, \"exec my-server\"]");
        }
        List<String> out = new ArrayList<>();
        for (YamlNode item : node.get().list()) {
            String arg = item.string();
            references.check(item, arg, where);
            out.add(arg);
        }
        return out;
    }

    private List<Template.Mount> mounts(Map<String, YamlNode> f) throws TemplateException {
        var node = YamlNode.get(f, "volumes");
        List<Template.Mount> out = new ArrayList<>();
        if (node.isEmpty()) {
            return out;
        }
        for (YamlNode item : node.get().list()) {
            String text = item.string();
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw item.error("write a mount as volume-name:/path/in/container");
            }
            if (text.endsWith(":ro") || text.endsWith(":rw")) {
                throw item.error("mount options like " + text.substring(text.length() - 3) + " are not supported;"
                        + " write volume-name:/path");
            }
            String volume = text.substring(0, colon);
            String path = text.substring(colon + 1);
            if (volume.startsWith("/") || volume.startsWith(".") || volume.startsWith("~")) {
                throw item.error("host paths cannot be mounted; declare a named volume under volumes: instead");
            }
            if (!volumes.containsKey(volume)) {
                throw item.error("there is no volume \"" + volume + "\" under the template's volumes:");
            }
            if (path.equals("/")) {
                throw item.error("a volume cannot be mounted on / (the container's whole file system)");
            }
            if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..") || path.contains(":")) {
                throw item.error("the mount path \"" + path + "\" must be an absolute path in the container");
            }
            if (out.stream().anyMatch(m -> m.path().equals(path))) {
                throw item.error("\"" + path + "\" is mounted twice");
            }
            out.add(new Template.Mount(volume, path));
        }
        return out;
    }

    private List<Template.Expose> expose(Map<String, YamlNode> f) throws TemplateException {
        var node = YamlNode.get(f, "expose");
        List<Template.Expose> out = new ArrayList<>();
        if (node.isEmpty()) {
            return out;
        }
        for (YamlNode item : node.get().list()) {
            Map<String, YamlNode> e = item.map(EXPOSE);
            boolean http = e.containsKey("http");
            if (http == e.containsKey("tcp")) {
                throw item.error("give exactly one of http: PORT or tcp: PORT");
            }
            YamlNode portNode = e.get(http ? "http" : "tcp");
            int port = Quantities.port(portNode);
            if (out.stream().anyMatch(x -> x.port() == port)) {
                throw portNode.error("port " + port + " is exposed twice");
            }
            Template.Expose.Route route = null;
            String connection = null;
            String snippet = null;
            String open = null;
            boolean identity = false;
            String label = YamlNode.get(e, "name").isPresent() ? e.get("name").string() : null;
            if (http) {
                if (out.stream().anyMatch(x -> x.kind() == Template.Expose.Kind.HTTP)) {
                    throw item.error("a service serves one http port; put a second web UI in its own service");
                }
                route = Template.Expose.Route.PATH;
                if (YamlNode.get(e, "route").isPresent()) {
                    route = switch (e.get("route").string()) {
                        case "path" -> Template.Expose.Route.PATH;
                        case "host" -> Template.Expose.Route.HOST;
                        default -> throw e.get("route").error("\"" + e.get("route").string()
                                + "\" is not a route: use path or host");
                    };
                }
                for (String tcpOnly : List.of("connection", "snippet")) {
                    if (e.containsKey(tcpOnly)) {
                        throw e.get(tcpOnly).error("applies only to tcp ports");
                    }
                }
                if (YamlNode.get(e, "open").isPresent()) {
                    open = e.get("open").string();
                    if (open.startsWith("/") || open.contains("://")) {
                        throw e.get("open").error("must be a path relative to the service's URL, like lab?token=…");
                    }
                    checkReferences(e.get("open"), open, false);
                }
                if (YamlNode.get(e, "identity").isPresent()) {
                    String said = e.get("identity").string();
                    if (!said.equals("headers") && !said.equals("none")) {
                        throw e.get("identity").error("\"" + said + "\" is not an identity: use headers or none");
                    }
                    identity = said.equals("headers");
                }
            } else {
                if (e.containsKey("route")) {
                    throw e.get("route").error("applies only to http ports");
                }
                if (YamlNode.get(e, "connection").isPresent()) {
                    connection = e.get("connection").string();
                    checkReferences(e.get("connection"), connection, true);
                }
                if (YamlNode.get(e, "snippet").isPresent()) {
                    snippet = e.get("snippet").string();
                    checkReferences(e.get("snippet"), snippet, true);
                }
                for (String httpOnly : List.of("open", "identity")) {
                    if (e.containsKey(httpOnly)) {
                        throw e.get(httpOnly).error("applies only to http ports");
                    }
                }
            }
            out.add(new Template.Expose(http ? Template.Expose.Kind.HTTP : Template.Expose.Kind.TCP, port, route,
                    label, connection, snippet, open, identity));
        }
        return out;
    }

    private Template.Health health(Map<String, YamlNode> f, List<Template.Expose> expose) throws TemplateException {
        var node = YamlNode.get(f, "health");
        if (node.isEmpty()) {
            return expose.isEmpty() ? new Template.Health(Kind.NONE, 0, null, 0)
                    : new Template.Health(Kind.TCP, expose.get(0).port(), null, 0);
        }
        if (node.get().isScalar()) {
            if (node.get().string().equals("none")) {
                return new Template.Health(Kind.NONE, 0, null, 0);
            }
            throw node.get().error("write {tcp: PORT}, {http: /path, port: PORT} or none");
        }
        Map<String, YamlNode> h = node.get().map(Set.of("tcp", "http", "port", "timeout"));
        int timeout = YamlNode.get(h, "timeout").isPresent()
                ? Quantities.seconds(h.get("timeout"), "a timeout", MAX_HEALTH_TIMEOUT_SECONDS) : 0;
        if (h.containsKey("tcp") == h.containsKey("http")) {
            throw node.get().error("give exactly one of tcp: PORT or http: /path");
        }
        if (h.containsKey("tcp")) {
            return new Template.Health(Kind.TCP, Quantities.port(h.get("tcp")), null, timeout);
        }
        String path = h.get("http").string();
        checkReferences(h.get("http"), path, false);
        String sample = Interpolation.resolve(path, ref -> ref.equals("stack.prefix") ? "/p" : "x");
        if (!sample.startsWith("/") && !path.startsWith("${stack.prefix}")) {
            throw h.get("http").error("must be a path starting with / or ${stack.prefix}");
        }
        int port;
        if (YamlNode.get(h, "port").isPresent()) {
            port = Quantities.port(h.get("port"));
        } else if (expose.stream().anyMatch(e -> e.kind() == Template.Expose.Kind.HTTP)) {
            port = expose.stream().filter(e -> e.kind() == Template.Expose.Kind.HTTP).findFirst().get().port();
        } else {
            throw node.get().error("an http check needs port: (the service exposes no http port)");
        }
        return new Template.Health(Kind.HTTP, port, path, timeout);
    }

    private void checkReferences(YamlNode at, String text, boolean connection) throws TemplateException {
        references.check(at, text, connection ? References.Where.CLIENT : References.Where.SERVICE);
    }

    /** {@code provision: {command: [...], deprovision: [...], timeout: 60s}}, or null without one. */
    private Template.Provision provision(Map<String, YamlNode> f) throws TemplateException {
        var node = YamlNode.get(f, "provision");
        if (node.isEmpty()) {
            return null;
        }
        Map<String, YamlNode> p = node.get().map(Set.of("command", "deprovision", "timeout"));
        YamlNode.require(node.get(), p, "command");
        List<String> command = arguments(p, "command", References.Where.PROVISION);
        List<String> deprovision = arguments(p, "deprovision", References.Where.PROVISION);
        if (command.isEmpty()) {
            throw p.get("command").error("must name the command to run, as a list");
        }
        int timeout = p.containsKey("timeout")
                ? Quantities.seconds(p.get("timeout"), "a timeout", MAX_PROVISION_SECONDS) : DEFAULT_PROVISION_SECONDS;
        return new Template.Provision(command, deprovision, timeout);
    }
}
