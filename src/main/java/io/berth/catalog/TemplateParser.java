package io.berth.catalog;

import io.berth.backend.StackSpec.VolumeScope;
import io.berth.model.OwnerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns one template file into a {@link Template}, or a {@link TemplateException} whose message starts with
 * {@code file:line:column: key.path:} and says what is wrong there. The format is documented in
 * {@code templates/README.md}.
 */
public final class TemplateParser {
    /** Template, service and volume names: they end up in URLs and container names. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,29}");
    /** Parameter and secret names: they appear in {@code ${param.x}} and in form fields. */
    static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([smhd])");
    private static final Set<String> TOP = Set.of("name", "title", "description", "icon", "category", "owner_kinds",
            "idle_timeout", "idle_cpu_below", "max_age", "parameters", "secrets", "volumes", "services", "trusted",
            "user_secrets", "backups");
    private static final Set<String> PARAMETER = Set.of("type", "label", "help", "default", "regex", "max_length",
            "min", "max", "choices");

    public Template parse(String fileName, String text) throws TemplateException {
        YamlNode root = YamlNode.parse(fileName, text);
        Map<String, YamlNode> top = root.map(TOP);
        YamlNode nameNode = YamlNode.require(root, top, "name");
        String name = slug(nameNode, "a template name");
        String title = optional(top, "title", name);
        String description = optional(top, "description", "").strip();
        String icon = optional(top, "icon", null);
        if (icon != null && (icon.startsWith("/") || icon.contains("..") || icon.contains("\\"))) {
            throw top.get("icon").error("must be a file under static/, like icons/mlflow.svg");
        }
        String category = optional(top, "category", "Other");
        Set<OwnerKind> ownerKinds = ownerKinds(top);
        Duration idle = duration(top, "idle_timeout");
        Duration maxAge = duration(top, "max_age");
        Double idleCpuBelow = idleCpuBelow(top, idle);
        List<Parameter> parameters = parameters(top);
        List<String> secrets = secrets(top, "secrets");
        List<String> userSecrets = secrets(top, "user_secrets");
        if (!userSecrets.isEmpty() && !ownerKinds.contains(OwnerKind.SITE)) {
            throw top.get("user_secrets").error("applies only to templates with site in owner_kinds (each user of a"
                    + " site service gets their own)");
        }
        YamlNode servicesNode = YamlNode.require(root, top, "services");
        Map<String, YamlNode> serviceNodes = servicesNode.entries();
        References references = new References(parameters.stream().map(Parameter::name).toList(), secrets,
                serviceNodes.keySet(), userSecrets);
        Map<String, Template.Volume> volumes = volumes(top, references);
        List<Template.Service> services = new ArrayList<>();
        if (serviceNodes.isEmpty()) {
            throw servicesNode.error("must list at least one service");
        }
        ServiceParser serviceParser = new ServiceParser(volumes, references);
        for (var entry : serviceNodes.entrySet()) {
            Template.Service service = serviceParser.parse(entry.getKey(), servicesNode.key(entry.getKey()),
                    entry.getValue());
            if (service.provision() != null && !ownerKinds.contains(OwnerKind.SITE)) {
                throw entry.getValue().entries().get("provision").error("applies only to templates with site in"
                        + " owner_kinds: it makes each user of a site service an account in it");
            }
            services.add(service);
        }
        boolean trusted = top.containsKey("trusted") && top.get("trusted").bool();
        BackupPolicy backups = BackupPolicy.parse(top);
        if (top.containsKey("backups") && services.stream().allMatch(s -> s.backup() == null)) {
            throw top.get("backups").error("applies only when a service declares backup: (what its backups hold)");
        }
        Template template = new Template(name, title, description, icon, category, ownerKinds, idle, maxAge,
                idleCpuBelow, parameters, secrets, volumes, services, trusted, userSecrets, backups);
        return TemplateChecks.check(template, serviceNodes);
    }

    /** {@code idle_cpu_below: 0.02}: cores, above 0 and at most 64; only with an {@code idle_timeout}. */
    private static Double idleCpuBelow(Map<String, YamlNode> top, Duration idle) throws TemplateException {
        var node = YamlNode.get(top, "idle_cpu_below");
        if (node.isEmpty()) {
            return null;
        }
        String text = node.get().string();
        double cores;
        try {
            cores = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw node.get().error("\"" + text + "\" is not a number of CPU cores, like 0.02");
        }
        if (!(cores > 0 && cores <= 64)) {
            throw node.get().error("must be above 0 and at most 64 (CPU cores, like 0.02)");
        }
        if (idle == null) {
            throw node.get().error("applies only with idle_timeout: it decides when a stack without traffic is idle");
        }
        return cores;
    }

    static String slug(YamlNode node, String what) throws TemplateException {
        String value = node.string();
        if (!SLUG.matcher(value).matches()) {
            throw node.error("\"" + value + "\" is not " + what + ": use 1-30 of a-z, 0-9 and -, starting with a"
                    + " letter or digit");
        }
        return value;
    }

    private static String optional(Map<String, YamlNode> map, String key, String fallback) throws TemplateException {
        var node = YamlNode.get(map, key);
        return node.isPresent() ? node.get().string() : fallback;
    }

    private static Set<OwnerKind> ownerKinds(Map<String, YamlNode> top) throws TemplateException {
        var node = YamlNode.get(top, "owner_kinds");
        if (node.isEmpty()) {
            return EnumSet.of(OwnerKind.USER);
        }
        Set<OwnerKind> kinds = EnumSet.noneOf(OwnerKind.class);
        List<YamlNode> items = node.get().isScalar() ? List.of(node.get()) : node.get().list();
        for (YamlNode item : items) {
            String kind = item.string();
            switch (kind) {
                case "user" -> kinds.add(OwnerKind.USER);
                case "group" -> kinds.add(OwnerKind.GROUP);
                case "site" -> kinds.add(OwnerKind.SITE);
                default -> throw item.error("\"" + kind + "\" is not an owner kind: use user, group, site or several");
            }
        }
        if (kinds.isEmpty()) {
            throw node.get().error("must name user, group, site or several");
        }
        return kinds;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}, or {@code never} (null). */
    private static Duration duration(Map<String, YamlNode> top, String key) throws TemplateException {
        var node = YamlNode.get(top, key);
        if (node.isEmpty() || node.get().string().equals("never")) {
            return null;
        }
        Matcher m = DURATION.matcher(node.get().string().trim());
        if (!m.matches() || m.group(1).length() > 6 || Long.parseLong(m.group(1)) == 0) {
            throw node.get().error("\"" + node.get().string() + "\" is not a duration: write e.g. 30m, 2h, 7d or never"
                    + " (at most 6 digits)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static List<Parameter> parameters(Map<String, YamlNode> top) throws TemplateException {
        var node = YamlNode.get(top, "parameters");
        List<Parameter> out = new ArrayList<>();
        if (node.isEmpty()) {
            return out;
        }
        for (var entry : node.get().entries().entrySet()) {
            YamlNode p = entry.getValue();
            String name = entry.getKey();
            if (!IDENTIFIER.matcher(name).matches()) {
                throw node.get().key(name).error("a parameter name is 1-40 of a-z, 0-9 and _, starting with a letter");
            }
            Map<String, YamlNode> fields = p.map(PARAMETER);
            YamlNode typeNode = YamlNode.require(p, fields, "type");
            Parameter.Type type;
            try {
                type = Parameter.Type.valueOf(typeNode.string().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw typeNode.error("\"" + typeNode.string() + "\" is not a parameter type: use string, int, choice or bool");
            }
            String label = optional(fields, "label", name);
            String help = optional(fields, "help", "");
            String def = optional(fields, "default", null);
            Pattern regex = null;
            if (fields.containsKey("regex")) {
                onlyFor(type, Parameter.Type.STRING, fields.get("regex"));
                try {
                    regex = Pattern.compile(fields.get("regex").string());
                } catch (PatternSyntaxException e) {
                    throw fields.get("regex").error("is not a valid regular expression: " + e.getDescription());
                }
            }
            int maxLength = Parameter.DEFAULT_MAX_LENGTH;
            if (fields.containsKey("max_length")) {
                onlyFor(type, Parameter.Type.STRING, fields.get("max_length"));
                long length = fields.get("max_length").integer();
                if (length < 1 || length > 4096) {
                    throw fields.get("max_length").error("must be between 1 and 4096");
                }
                maxLength = (int) length;
            }
            Long min = null;
            Long max = null;
            if (fields.containsKey("min")) {
                onlyFor(type, Parameter.Type.INT, fields.get("min"));
                min = fields.get("min").integer();
            }
            if (fields.containsKey("max")) {
                onlyFor(type, Parameter.Type.INT, fields.get("max"));
                max = fields.get("max").integer();
            }
            if (min != null && max != null && min > max) {
                throw fields.get("min").error("min " + min + " is above max " + max + ": no value could be given");
            }
            List<String> choices = List.of();
            if (type == Parameter.Type.CHOICE) {
                choices = YamlNode.require(p, fields, "choices").strings();
                if (choices.isEmpty()) {
                    throw fields.get("choices").error("must list at least one choice");
                }
                if (choices.contains("") || choices.stream().distinct().count() != choices.size()) {
                    throw fields.get("choices").error("choices must be distinct and not empty");
                }
            } else if (fields.containsKey("choices")) {
                onlyFor(type, Parameter.Type.CHOICE, fields.get("choices"));
            }
            if (type == Parameter.Type.BOOL && def == null) {
                def = "false";
            }
            Parameter parameter = new Parameter(name, type, label, help, def, regex, maxLength, min, max, choices);
            if (def != null) {
                try {
                    parameter.check(def);
                } catch (Parameter.ParameterException e) {
                    throw fields.get("default").error("the default is not a valid value: " + e.getMessage());
                }
            }
            out.add(parameter);
        }
        return out;
    }

    private static void onlyFor(Parameter.Type type, Parameter.Type wanted, YamlNode node) throws TemplateException {
        if (type != wanted) {
            throw node.error("applies only to " + wanted.name().toLowerCase(Locale.ROOT) + " parameters");
        }
    }

    private static List<String> secrets(Map<String, YamlNode> top, String key) throws TemplateException {
        var node = YamlNode.get(top, key);
        List<String> out = new ArrayList<>();
        if (node.isEmpty()) {
            return out;
        }
        for (YamlNode item : node.get().list()) {
            String name = item.string();
            if (!IDENTIFIER.matcher(name).matches()) {
                throw item.error("a secret name is 1-40 of a-z, 0-9 and _, starting with a letter");
            }
            if (out.contains(name)) {
                throw item.error("secret \"" + name + "\" is listed twice");
            }
            out.add(name);
        }
        return out;
    }

    private static Map<String, Template.Volume> volumes(Map<String, YamlNode> top, References references)
            throws TemplateException {
        var node = YamlNode.get(top, "volumes");
        Map<String, Template.Volume> out = new LinkedHashMap<>();
        if (node.isEmpty()) {
            return out;
        }
        for (var entry : node.get().entries().entrySet()) {
            YamlNode v = entry.getValue();
            String name = entry.getKey();
            if (!SLUG.matcher(name).matches()) {
                throw node.get().key(name).error("a volume name is 1-30 of a-z, 0-9 and -, starting with a letter or digit");
            }
            VolumeScope scope = VolumeScope.STACK;
            if (!v.isNull()) {
                Map<String, YamlNode> fields = v.map(Set.of("scope", "host_path"));
                var hostPath = YamlNode.get(fields, "host_path");
                if (hostPath.isPresent()) {
                    if (fields.containsKey("scope")) {
                        throw fields.get("scope").error("a host folder has no scope; give scope or host_path");
                    }
                    String path = hostPath.get().string();
                    if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
                        throw hostPath.get().error("must be an absolute path on the host, without ..");
                    }
                    references.check(hostPath.get(), path, References.Where.SERVICE);
                    out.put(name, new Template.Volume(name, VolumeScope.HOST, path));
                    continue;
                }
                var scopeNode = YamlNode.get(fields, "scope");
                if (scopeNode.isPresent()) {
                    scope = switch (scopeNode.get().string()) {
                        case "stack" -> VolumeScope.STACK;
                        case "owner" -> VolumeScope.OWNER;
                        default -> throw scopeNode.get().error("\"" + scopeNode.get().string()
                                + "\" is not a volume scope: use stack or owner");
                    };
                }
            }
            out.put(name, new Template.Volume(name, scope, null));
        }
        return out;
    }
}
