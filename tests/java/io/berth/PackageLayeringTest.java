package io.berth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Berth's packages depend on each other one way: {@code web}/{@code api} on the features ({@code stacks},
 * {@code proxy}, {@code quota}, {@code auth}, {@code audit}, {@code metrics}), those on {@code store},
 * {@code catalog} and {@code backend}, and everything on {@code model} and {@code config} (issue 20). A dependency
 * is an import or a qualified name written in the text ({@code io.berth.x.Y}, comments included), as
 * {@code shared/tools/package-cycles.py} counts them.
 */
class PackageLayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/io/berth");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+io\\.berth((?:\\.\\w+)*);");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.berth\\.((?:[a-z0-9_]+\\.)*)[A-Z]\\w*");

    /** package → package it depends on → the files that make it depend. */
    private static final Map<String, Map<String, Set<String>>> GRAPH = graph(SOURCES);

    @Test
    void no_two_packages_depend_on_each_other() {
        List<String> pairs = new ArrayList<>();
        GRAPH.forEach((from, targets) -> targets.keySet().forEach(to -> {
            if (from.compareTo(to) < 0 && GRAPH.getOrDefault(to, Map.of()).containsKey(from)) {
                pairs.add(from + " <-> " + to + " (" + GRAPH.get(from).get(to) + " / " + GRAPH.get(to).get(from) + ")");
            }
        }));
        assertThat(pairs).as("packages that depend on each other, with the files that make them").isEmpty();
    }

    @Test
    void no_packages_depend_on_each_other_in_a_circle() {
        assertThat(cycleGroups(GRAPH)).as("groups of packages that depend on each other round a circle").isEmpty();
    }

    @Test
    void the_model_depends_on_nothing_else_of_berth() {
        assertThat(GRAPH).containsKey("model");
        assertThat(GRAPH.get("model")).as("what io.berth.model uses of Berth, with the files").isEmpty();
    }

    @Test
    void the_docker_and_swarm_backends_share_through_engine_not_each_other() {
        assertThat(GRAPH.get("backend.docker")).as("what backend.docker uses").doesNotContainKey("backend.swarm");
        assertThat(GRAPH.get("backend.swarm")).as("what backend.swarm uses").doesNotContainKey("backend.docker")
                .containsKey("backend.engine");
        assertThat(GRAPH.get("backend.engine")).as("what backend.engine uses")
                .doesNotContainKeys("backend.docker", "backend.swarm");
    }

    @Test
    void imports_and_inline_names_both_count_and_a_circle_of_three_is_found() {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        add(graph, "a", "package io.berth.a;\nimport io.berth.b.B;\nclass A { }", "A.java");
        add(graph, "b", "package io.berth.b;\nclass B { io.berth.c.C c; }", "B.java");
        add(graph, "c", "package io.berth.c;\n/** Uses {@link io.berth.a.A#x}. */\nclass C { }", "C.java");
        add(graph, "d", "package io.berth.d;\nimport io.berth.a.A;\nimport io.berth.d.D2;\nclass D { }", "D.java");
        assertThat(graph.get("d")).as("a package's own classes do not count").containsOnlyKeys("a");
        assertThat(cycleGroups(graph)).containsExactly(List.of("a", "b", "c"));
    }

    private static Map<String, Map<String, Set<String>>> graph(Path root) {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher p = PACKAGE.matcher(text);
                assertThat(p.find()).as(file + " declares an io.berth package").isTrue();
                add(graph, p.group(1).isEmpty() ? "(root)" : p.group(1).substring(1), text,
                        root.relativize(file).toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    private static void add(Map<String, Map<String, Set<String>>> graph, String pkg, String text, String file) {
        Map<String, Set<String>> targets = graph.computeIfAbsent(pkg, k -> new TreeMap<>());
        Matcher m = REFERENCE.matcher(text.replaceAll("(?m)^package .*$", ""));
        while (m.find()) {
            String to = m.group(1).isEmpty() ? "(root)" : m.group(1).substring(0, m.group(1).length() - 1);
            if (!to.equals(pkg)) {
                targets.computeIfAbsent(to, k -> new TreeSet<>()).add(file);
            }
        }
    }

    /** Tarjan's strongly connected components with more than one package, each sorted by name. */
    private static List<List<String>> cycleGroups(Map<String, Map<String, Set<String>>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<List<String>> groups = new ArrayList<>();
        for (String pkg : graph.keySet()) {
            if (!index.containsKey(pkg)) {
                connect(pkg, graph, index, low, stack, groups);
            }
        }
        return groups;
    }

    private static void connect(String v, Map<String, Map<String, Set<String>>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, List<List<String>> groups) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, groups);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            TreeSet<String> group = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                group.add(w);
            } while (!w.equals(v));
            if (group.size() > 1) {
                groups.add(new ArrayList<>(group));
            }
        }
    }
}
