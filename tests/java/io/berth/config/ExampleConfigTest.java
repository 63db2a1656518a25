package io.berth.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code deploy/berth.example.yaml} complete and harmless: it loads, it documents every key of
 * {@link BerthConfig} at its path (with its default and environment variable), it names no key that does not exist,
 * and its values are the defaults except for the keys listed in {@link #SET_ON_PURPOSE}.
 */
class ExampleConfigTest {
    private static final Path EXAMPLE = Path.of("deploy/berth.example.yaml");

    /** Keys whose example value differs from the default on purpose, each with the reason. */
    private static final Map<String, String> SET_ON_PURPOSE = Map.of(
            "store.url", "the default ./data/berth written absolute under berth.service's WorkingDirectory, so that "
                    + "`berth backup --config /etc/berth/berth.yaml` run from any folder opens the service's database",
            "catalog.dir", "the default templates written absolute under berth.service's WorkingDirectory, so the "
                    + "catalog does not depend on the folder Berth is started from");

    /** A key line, {@code name:} or commented out {@code # name:}; the text after {@code "# "} is read as YAML. */
    private static final Pattern KEY = Pattern.compile("^( *)(#( +))?([a-z_][a-z0-9_]*):(\\s|$)");

    private final ObjectMapper json = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Test
    void the_example_loads_without_error() {
        BerthConfig config = new ConfigLoader().load(EXAMPLE, Map.of());

        assertThat(config.server.port).isEqualTo(BerthConfig.Server.DEFAULT_PORT);
    }

    @Test
    void every_key_of_the_config_is_documented_at_its_path() throws IOException {
        var missing = new TreeSet<>(keys().keySet());
        missing.removeAll(documentedKeys().keySet());

        assertThat(missing)
                .as("keys of BerthConfig missing from %s (as `key:` or `# key:` under their section)", EXAMPLE)
                .isEmpty();
    }

    @Test
    void every_key_says_its_default_and_environment_variable() throws IOException {
        var documented = documentedKeys();
        Map<String, String> undocumented = new TreeMap<>();
        keys().forEach((path, field) -> {
            if (isSection(field)) {
                return;
            }
            String variable = Map.class.isAssignableFrom(field.getType())
                    ? "Env: none" : ConfigLoader.variableFor(path);
            List<String> comments = documented.getOrDefault(path, List.of());
            if (comments.stream().noneMatch(c -> c.contains("Default") && c.contains(variable))) {
                undocumented.put(path, "needs a comment above it with \"Default\" and \"" + variable + "\"");
            }
        });

        assertThat(undocumented).as("keys in %s", EXAMPLE).isEmpty();
    }

    @Test
    void the_example_documents_no_key_that_does_not_exist() throws IOException {
        Map<String, Field> keys = keys();
        var unknown = new TreeSet<String>();
        for (String path : documentedKeys().keySet()) {
            boolean insideAMapOrList = keys.entrySet().stream()
                    .anyMatch(k -> !isSection(k.getValue()) && path.startsWith(k.getKey() + "."));
            if (!keys.containsKey(path) && !insideAMapOrList) {
                unknown.add(path);
            }
        }

        assertThat(unknown).as("keys in %s that BerthConfig does not have (stale, or prose that reads as a key)",
                EXAMPLE).isEmpty();
    }

    @Test
    void the_example_keeps_the_defaults_except_keys_set_on_purpose() {
        Map<String, JsonNode> example = leaves(json.valueToTree(new ConfigLoader().load(EXAMPLE, Map.of())));
        Map<String, JsonNode> defaults = leaves(json.valueToTree(new BerthConfig()));
        Map<String, String> changed = new TreeMap<>();
        defaults.forEach((path, value) -> {
            if (!value.equals(example.get(path))) {
                changed.put(path, example.get(path) + " (default " + value + ")");
            }
        });

        assertThat(changed.keySet())
                .as("keys of %s that differ from the defaults: %s; list a key set on purpose in SET_ON_PURPOSE "
                        + "with its reason, or restore its default", EXAMPLE, changed)
                .containsExactlyInAnyOrderElementsOf(SET_ON_PURPOSE.keySet());
    }

    /** Every dotted key path of {@link BerthConfig}, sections included, with its field. */
    private static Map<String, Field> keys() {
        Map<String, Field> out = new LinkedHashMap<>();
        collectKeys(BerthConfig.class, "", out);
        return out;
    }

    private static void collectKeys(Class<?> type, String prefix, Map<String, Field> out) {
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.isAnnotationPresent(JsonIgnore.class)) {
                continue;
            }
            String path = prefix + PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(field.getName());
            out.put(path, field);
            if (isSection(field)) {
                collectKeys(field.getType(), path + ".", out);
            }
        }
    }

    /** A section is a field whose type is a class of the config package (Proxy, Swarm, BerthConfig's nested ones). */
    private static boolean isSection(Field field) {
        return field.getType().getPackage() == BerthConfig.class.getPackage();
    }

    /**
     * The key paths written in the example, set or commented out, each with the comment blocks right above its
     * lines. A commented key's indentation is that of the text after {@code "# "}, so {@code "  #   site: x"} sits
     * under {@code "  # labels:"}.
     */
    private static Map<String, List<String>> documentedKeys() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        record Open(int indent, String path) { }
        Deque<Open> open = new ArrayDeque<>();
        List<String> lines = Files.readAllLines(EXAMPLE);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = KEY.matcher(lines.get(i));
            if (!m.find()) {
                continue;
            }
            int indent = m.group(1).length() + (m.group(2) == null ? 0 : m.group(3).length() - 1);
            while (!open.isEmpty() && open.peek().indent() >= indent) {
                open.pop();
            }
            String path = (open.isEmpty() ? "" : open.peek().path() + ".") + m.group(4);
            open.push(new Open(indent, path));
            out.computeIfAbsent(path, p -> new ArrayList<>()).add(commentAbove(lines, i));
        }
        return out;
    }

    private static String commentAbove(List<String> lines, int keyLine) {
        var block = new ArrayDeque<String>();
        for (int i = keyLine - 1; i >= 0 && lines.get(i).strip().startsWith("#"); i--) {
            block.push(lines.get(i).strip());
        }
        return String.join("\n", block);
    }

    /** The values of a config tree by dotted path; a map or list is one value. */
    private static Map<String, JsonNode> leaves(JsonNode tree) {
        Map<String, Field> keys = keys();
        Map<String, JsonNode> out = new TreeMap<>();
        Deque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
        tree.fields().forEachRemaining(todo::add);
        while (!todo.isEmpty()) {
            var entry = todo.pop();
            Field field = keys.get(entry.getKey());
            if (field != null && isSection(field)) {
                for (Iterator<Map.Entry<String, JsonNode>> it = entry.getValue().fields(); it.hasNext(); ) {
                    var child = it.next();
                    todo.push(Map.entry(entry.getKey() + "." + child.getKey(), child.getValue()));
                }
            } else {
                out.put(entry.getKey(), entry.getValue());
            }
        }
        return out;
    }
}
