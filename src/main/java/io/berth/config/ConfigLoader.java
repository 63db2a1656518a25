package io.berth.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link BerthConfig}: defaults, then the YAML file (when given), then {@code BERTH_…} environment variables.
 * Unknown keys and values of the wrong type are refused with the key's dotted path.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    /** Environment variables with the prefix that are not config keys but read elsewhere. */
    private static final java.util.Set<String> OTHER_VARIABLES = java.util.Set.of("BERTH_CONFIG", "BERTH_ADMIN_PASSWORD");

    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

    /** Loads from an optional file and the given environment. */
    public BerthConfig load(Path file, Map<String, String> env) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        if (file != null) {
            tree = readFile(file);
        }
        applyEnvironment(tree, env);
        try {
            return mapper.treeToValue(tree, BerthConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("unknown key " + path(e) + (file == null ? "" : " in " + file)
                    + "; known keys here: " + e.getKnownPropertyIds().stream().map(Object::toString)
                    .map(ConfigLoader::snake).sorted().collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            throw new ConfigException("key " + path(e) + " has a value of the wrong type: expected "
                    + typeName(e.getTargetType()));
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration: " + e.getMessage());
        }
    }

    private ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + " does not exist");
        }
        try {
            JsonNode node = mapper.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(file + ": the top level must be a mapping of keys");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                    ? " at line " + p.getLocation().getLineNr() : "";
            throw new ConfigException("cannot parse " + file + where + ": " + firstLine(e.getMessage()));
        }
    }

    /** Overrides keys of {@code tree} from {@code BERTH_<PATH>} variables; the key list comes from the defaults. */
    private void applyEnvironment(ObjectNode tree, Map<String, String> env) {
        Map<String, Leaf> byVariable = new LinkedHashMap<>();
        collectLeaves(mapper.valueToTree(new BerthConfig()), "", byVariable);
        for (var entry : env.entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith("BERTH_") || OTHER_VARIABLES.contains(name)) {
                continue;
            }
            Leaf leaf = byVariable.get(name);
            if (leaf == null) {
                LOG.warn("environment variable {} names no configuration key; ignored", name);
                continue;
            }
            String[] path = leaf.path();
            ObjectNode parent = tree;
            for (int i = 0; i < path.length - 1; i++) {
                JsonNode child = parent.get(path[i]);
                parent = child instanceof ObjectNode o ? o : parent.putObject(path[i]);
            }
            parent.set(path[path.length - 1], leaf.parse(name, entry.getValue()));
        }
    }

    /** A key that an environment variable may set, with its default to tell which type the text must parse as. */
    private record Leaf(String[] path, JsonNode defaultValue) {
        JsonNode parse(String variable, String text) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            if (defaultValue.isIntegralNumber()) {
                try {
                    return nodes.numberNode(Long.parseLong(text.trim()));
                } catch (NumberFormatException e) {
                    throw new ConfigException(variable + " must be a whole number, not \"" + text + "\"");
                }
            }
            if (defaultValue.isFloatingPointNumber()) {
                try {
                    return nodes.numberNode(Double.parseDouble(text.trim()));
                } catch (NumberFormatException e) {
                    throw new ConfigException(variable + " must be a number, not \"" + text + "\"");
                }
            }
            if (defaultValue.isBoolean()) {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new ConfigException(variable + " must be true or false, not \"" + text + "\"");
                }
                return nodes.booleanNode(Boolean.parseBoolean(text));
            }
            if (defaultValue.isArray()) { // a list from the environment: comma-separated
                var list = nodes.arrayNode();
                java.util.Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty())
                        .forEach(list::add);
                return list;
            }
            return nodes.textNode(text);
        }
    }

    private static void collectLeaves(JsonNode node, String prefix, Map<String, Leaf> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var field = it.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject() && field.getValue().size() > 0) {
                collectLeaves(field.getValue(), path, out);
            } else if (!field.getValue().isObject()) {
                out.put(variableFor(path), new Leaf(path.split("\\."), field.getValue()));
            }
        }
    }

    /** The variable that overrides a dotted key, e.g. {@code docker.name_prefix → BERTH_DOCKER_NAME_PREFIX}. */
    public static String variableFor(String key) {
        return "BERTH_" + key.replace('.', '_').toUpperCase(java.util.Locale.ROOT);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String typeName(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class) return "a whole number";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (type == String.class || type == Path.class) return "a string";
        if (Map.class.isAssignableFrom(type)) return "a mapping";
        return "a " + snake(type.getSimpleName()) + " section";
    }

    private static String snake(String name) {
        return PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(name);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
