package io.berth.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Turns one template file's text into a {@link Template}, or a {@link TemplateException} naming what is wrong. */
public final class TemplateParser {
    /** Template and service names: they end up in URLs and container names. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,29}");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public Template parse(String fileName, String text) throws TemplateException {
        TemplateFile file;
        try {
            file = yaml.readValue(text, TemplateFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new TemplateException(fileName + line(e) + ": unknown key \"" + e.getPropertyName() + "\" at "
                    + path(e) + " (known: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")) + ")");
        } catch (MismatchedInputException e) {
            throw new TemplateException(fileName + line(e) + ": " + path(e) + " "
                    + (e.getMessage().contains("Missing required") ? "is required" : "has the wrong type"));
        } catch (JsonProcessingException e) {
            throw new TemplateException(fileName + line(e) + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (file == null) {
            throw new TemplateException(fileName + ": the file is empty");
        }
        return validate(fileName, file);
    }

    private Template validate(String fileName, TemplateFile file) throws TemplateException {
        if (file.name == null) {
            throw new TemplateException(fileName + ": name is required");
        }
        if (file.services == null) {
            throw new TemplateException(fileName + ": services is required (at least one service with an image)");
        }
        if (!SLUG.matcher(file.name).matches()) {
            throw new TemplateException(fileName + ": name \"" + file.name + "\" must be 1-30 of a-z, 0-9 and -,"
                    + " starting with a letter or digit");
        }
        if (file.services.isEmpty()) {
            throw new TemplateException(fileName + ": services must list at least one service");
        }
        List<Template.Service> services = new ArrayList<>();
        for (Map.Entry<String, TemplateFile.ServiceFile> entry : file.services.entrySet()) {
            String at = fileName + ": services." + entry.getKey();
            TemplateFile.ServiceFile s = entry.getValue();
            if (s == null) {
                throw new TemplateException(at + " is empty; it needs at least an image");
            }
            if (!SLUG.matcher(entry.getKey()).matches()) {
                throw new TemplateException(at + ": a service name must be 1-30 of a-z, 0-9 and -");
            }
            if (s.image == null || s.image.isBlank()) {
                throw new TemplateException(at + ".image is required");
            }
            Integer httpPort = null;
            for (int i = 0; i < s.expose.size(); i++) {
                TemplateFile.ExposeFile expose = s.expose.get(i);
                String where = at + ".expose[" + i + "]";
                if (expose.http == null) {
                    throw new TemplateException(where + ": only http is supported so far");
                }
                if (expose.http < 1 || expose.http > 65535) {
                    throw new TemplateException(where + ".http: port " + expose.http + " is not between 1 and 65535");
                }
                if (!"path".equals(expose.route)) {
                    throw new TemplateException(where + ".route: \"" + expose.route + "\" is not supported; use path");
                }
                if (httpPort != null) {
                    throw new TemplateException(where + ": a service exposes one http port so far");
                }
                httpPort = expose.http;
            }
            services.add(new Template.Service(entry.getKey(), s.image.trim(), List.copyOf(s.command),
                    Map.copyOf(s.env), httpPort));
        }
        if (services.stream().noneMatch(s -> s.httpPort() != null)) {
            throw new TemplateException(fileName + ": at least one service must expose an http port");
        }
        String title = file.title == null || file.title.isBlank() ? file.name : file.title;
        return new Template(file.name, title, file.description == null ? "" : file.description.trim(),
                List.copyOf(services));
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
    }

    private static String path(JsonMappingException e) {
        String p = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return p.isEmpty() ? "the top level" : p;
    }
}
