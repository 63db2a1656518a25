package io.berth.catalog;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that knows where it stands (file, line, column, key path), so every complaint about a template can
 * point at the exact spot. Reads only plain data: mappings, sequences and scalars; no tags, no anchors to objects.
 */
final class YamlNode {
    private static final int MAX_FILE_CHARS = 256 * 1024;

    private final String file;
    private final String path;
    private final Node node;

    private YamlNode(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    static YamlNode parse(String file, String text) throws TemplateException {
        if (text.length() > MAX_FILE_CHARS) {
            throw new TemplateException(file + ": the file is larger than " + MAX_FILE_CHARS / 1024 + " KiB");
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String at = m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
            String context = e.getContext() == null ? "" : e.getContext()
                    + (e.getContextMark() == null ? "" : " (line " + (e.getContextMark().getLine() + 1) + ")") + ", ";
            String hint = "";
            if (m != null && e.getProblem() != null && e.getProblem().contains("expected ',' or ']'")
                    && text.lines().skip(m.getLine()).findFirst().orElse("").contains("${")) {
                hint = " — quote values that contain ${…} inside [ ]";
            }
            throw new TemplateException(file + at + ": not valid YAML: " + context + e.getProblem() + hint);
        } catch (RuntimeException e) {
            throw new TemplateException(file + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new TemplateException(file + ": the file is empty");
        }
        return new YamlNode(file, "", root);
    }

    String path() {
        return path.isEmpty() ? "the top level" : path;
    }

    /** A complaint about this node: {@code file:line:column: path: message}. */
    TemplateException error(String message) {
        Mark m = node.getStartMark();
        return new TemplateException(file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": "
                + path() + ": " + message);
    }

    /** This node as a mapping whose keys must all be in {@code known}; keys keep their order. */
    Map<String, YamlNode> map(Collection<String> known) throws TemplateException {
        Map<String, YamlNode> out = entries();
        for (var entry : out.entrySet()) {
            if (!known.contains(entry.getKey())) {
                throw keyError(entry.getKey(), "unknown key \"" + entry.getKey() + "\" (known here: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        return out;
    }

    /** This node as a mapping with any keys (names chosen by the author: services, parameters, env). */
    Map<String, YamlNode> entries() throws TemplateException {
        if (!(node instanceof MappingNode mapping)) {
            throw error("must be a mapping (key: value lines), not " + kind());
        }
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new YamlNode(file, path, tuple.getKeyNode()).error("keys must be plain words");
            }
            String name = key.getValue();
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (name.equals("<<")) {
                throw new YamlNode(file, childPath, key).error("YAML merge keys (<<) are not supported; write the keys out");
            }
            if (out.containsKey(name)) {
                throw new YamlNode(file, childPath, key).error("\"" + name + "\" is given twice");
            }
            out.put(name, new YamlNode(file, childPath, tuple.getValueNode()));
        }
        return out;
    }

    /** The key {@code key} of this mapping as a node (where name errors point). */
    YamlNode key(String key) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return new YamlNode(file, path.isEmpty() ? key : path + "." + key, k);
                }
            }
        }
        return this;
    }

    private TemplateException keyError(String key, String message) {
        MappingNode mapping = (MappingNode) node;
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return new YamlNode(file, path.isEmpty() ? key : path + "." + key, k).error(message);
            }
        }
        return error(message);
    }

    List<YamlNode> list() throws TemplateException {
        if (!(node instanceof SequenceNode seq)) {
            throw error("must be a list, not " + kind());
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(new YamlNode(file, path + "[" + i + "]", seq.getValue().get(i)));
        }
        return out;
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    boolean isMap() {
        return node instanceof MappingNode;
    }

    boolean isNull() {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /** A scalar as text (numbers and booleans too, as written). */
    String string() throws TemplateException {
        if (!(node instanceof ScalarNode s) || isNull()) {
            throw error("must be a single value, not " + kind());
        }
        return s.getValue();
    }

    long integer() throws TemplateException {
        String text = string();
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw error("must be a whole number, not \"" + text + "\"");
        }
    }

    double number() throws TemplateException {
        String text = string();
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw error("must be a number, not \"" + text + "\"");
        }
    }

    boolean bool() throws TemplateException {
        String text = string();
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw error("must be true or false, not \"" + text + "\"");
    }

    /** A list of scalars; a single scalar counts as a list of one. */
    List<String> strings() throws TemplateException {
        if (isScalar()) {
            return List.of(string());
        }
        List<String> out = new ArrayList<>();
        for (YamlNode item : list()) {
            out.add(item.string());
        }
        return out;
    }

    /** A mapping of names to scalar values (env). */
    Map<String, String> stringMap() throws TemplateException {
        Map<String, String> out = new LinkedHashMap<>();
        for (var entry : entries().entrySet()) {
            out.put(entry.getKey(), entry.getValue().string());
        }
        return out;
    }

    static Optional<YamlNode> get(Map<String, YamlNode> map, String key) {
        YamlNode n = map.get(key);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
    }

    static YamlNode require(YamlNode parent, Map<String, YamlNode> map, String key) throws TemplateException {
        YamlNode n = map.get(key);
        if (n == null) {
            throw parent.error("\"" + key + "\" is required");
        }
        if (n.isNull()) {
            throw parent.key(key).error("is empty; it needs a value");
        }
        return n;
    }

    private String kind() {
        if (node instanceof MappingNode) return "a mapping";
        if (node instanceof SequenceNode) return "a list";
        return isNull() ? "empty" : "a single value";
    }

    static Set<String> keys(String... names) {
        return Set.of(names);
    }
}
