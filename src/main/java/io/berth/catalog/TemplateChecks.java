package io.berth.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks that need the whole template: services in an order where each starts after what it depends on. */
final class TemplateChecks {
    private TemplateChecks() { }

    /** The template with its services in start order; a dependency cycle is an error at the first service in it. */
    static Template check(Template t, Map<String, YamlNode> serviceNodes) throws TemplateException {
        Map<String, Template.Service> byName = new LinkedHashMap<>();
        t.services().forEach(s -> byName.put(s.name(), s));
        List<Template.Service> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (Template.Service s : t.services()) {
            visit(s, byName, done, new ArrayList<>(), ordered, serviceNodes);
        }
        if (t.services().stream().allMatch(s -> s.expose().isEmpty())) {
            throw serviceNodes.values().iterator().next().error(
                    "no service exposes a port: add expose: [{http: PORT}] or [{tcp: PORT}] to at least one");
        }
        return new Template(t.name(), t.title(), t.description(), t.icon(), t.category(), t.ownerKinds(),
                t.idleTimeout(), t.maxAge(), t.idleCpuBelow(), t.parameters(), t.secrets(), t.volumes(), List.copyOf(ordered), t.trusted(),
                t.userSecrets(), t.backups());
    }

    /** The depends_on entry of {@code from} that names {@code to}: where the cycle closes. */
    private static YamlNode closingEdge(Map<String, YamlNode> nodes, String from, String to) throws TemplateException {
        YamlNode deps = nodes.get(from).entries().get("depends_on");
        if (deps.isScalar()) {
            return deps;
        }
        for (YamlNode item : deps.list()) {
            if (item.string().equals(to)) {
                return item;
            }
        }
        return deps;
    }

    private static void visit(Template.Service s, Map<String, Template.Service> byName, Set<String> done,
                              List<String> path, List<Template.Service> ordered, Map<String, YamlNode> nodes)
            throws TemplateException {
        if (done.contains(s.name())) {
            return;
        }
        if (path.contains(s.name())) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(s.name()), path.size()));
            cycle.add(s.name());
            throw closingEdge(nodes, cycle.get(cycle.size() - 2), s.name())
                    .error("depends_on forms a cycle: " + String.join(" → ", cycle));
        }
        path.add(s.name());
        for (String dep : s.dependsOn()) {
            visit(byName.get(dep), byName, done, path, ordered, nodes);
        }
        path.remove(path.size() - 1);
        done.add(s.name());
        ordered.add(s);
    }
}
