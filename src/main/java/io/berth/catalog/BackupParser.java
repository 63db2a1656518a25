package io.berth.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a service's {@code backup:}, one of two forms: {@code {command: [...], restore: [...]}} (the application
 * dumps itself to stdout while it runs, and reads the dump back from stdin) or {@code {volumes: [data], pause: true}}
 * (a file archive of named volumes the service mounts, taken with the service stopped unless {@code pause: false}
 * says its files are safe to copy live). Every mistake names its line and field.
 */
final class BackupParser {
    private static final Set<String> KEYS = Set.of("command", "restore", "volumes", "pause", "timeout");
    /** Seconds a dump or restore command may run when the template says nothing, and at most. */
    static final int DEFAULT_TIMEOUT_SECONDS = 3600;
    static final int MAX_TIMEOUT_SECONDS = 24 * 3600;

    private BackupParser() { }

    /** The service's backup, or null without one; {@code mounts} are the service's own volume mounts. */
    static Template.Backup parse(Optional<YamlNode> node, List<Template.Mount> mounts,
                                 Map<String, Template.Volume> volumes, References references)
            throws TemplateException {
        if (node.isEmpty()) {
            return null;
        }
        if (!node.get().isMap()) {
            throw node.get().error("write {command: [...], restore: [...]} or {volumes: [name], pause: true}");
        }
        Map<String, YamlNode> b = node.get().map(KEYS);
        boolean dump = b.containsKey("command") || b.containsKey("restore");
        boolean files = b.containsKey("volumes") || b.containsKey("pause");
        if (dump && files) {
            YamlNode at = b.containsKey("volumes") ? b.get("volumes") : b.get("pause");
            throw at.error("a backup is either a dump (command + restore) or a volume archive (volumes + pause),"
                    + " not both");
        }
        if (!dump && !files) {
            throw node.get().error("give command: and restore: (a dump) or volumes: (an archive of named volumes)");
        }
        int timeout = b.containsKey("timeout")
                ? Quantities.seconds(b.get("timeout"), "a timeout", MAX_TIMEOUT_SECONDS) : DEFAULT_TIMEOUT_SECONDS;
        if (dump) {
            List<String> command = command(node.get(), b, "command", references);
            List<String> restore = command(node.get(), b, "restore", references);
            return new Template.Backup(command, restore, List.of(), false, timeout);
        }
        YamlNode volumesNode = YamlNode.require(node.get(), b, "volumes");
        List<String> names = volumesNode.strings();
        List<YamlNode> at = volumesNode.isScalar() ? List.of(volumesNode) : volumesNode.list();
        if (names.isEmpty()) {
            throw volumesNode.error("must name at least one volume the service mounts");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (mounts.stream().noneMatch(m -> m.volume().equals(name))) {
                throw at.get(i).error("the service mounts no volume \"" + name + "\" (its volumes: "
                        + String.join(", ", mounts.stream().map(Template.Mount::volume).toList()) + ")");
            }
            if (volumes.get(name) != null && volumes.get(name).hostPath() != null) {
                throw at.get(i).error("\"" + name + "\" is a host folder; only named volumes are archived");
            }
            if (out.contains(name)) {
                throw at.get(i).error("\"" + name + "\" is named twice");
            }
            out.add(name);
        }
        boolean pause = !b.containsKey("pause") || b.get("pause").bool();
        return new Template.Backup(List.of(), List.of(), List.copyOf(out), pause, timeout);
    }

    private static List<String> command(YamlNode parent, Map<String, YamlNode> b, String key, References references)
            throws TemplateException {
        YamlNode node = YamlNode.require(parent, b, key);
        if (node.isScalar()) {
            throw node.error("must be a list of arguments, like [sh, -c, \"mongodump --archive\"]");
        }
        List<String> out = new ArrayList<>();
        for (YamlNode item : node.list()) {
            String arg = item.string();
            references.check(item, arg, References.Where.SERVICE);
            out.add(arg);
        }
        if (out.isEmpty()) {
            throw node.error("is empty; it must name the command to run, as a list");
        }
        return List.copyOf(out);
    }
}
