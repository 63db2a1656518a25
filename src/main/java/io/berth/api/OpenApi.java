package io.berth.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The API's OpenAPI 3 document, written by hand in {@code api/openapi.yaml}, {@code api/openapi-admin.yaml} and
 * {@code api/openapi-components.yaml}
 * (the source of truth for clients),
 * served as {@code /api/v1/openapi.json} (here) and as a page at {@code /api/v1/docs} (the web layer's
 * {@code ApiDocsPage}, from {@link #description} and {@link #operations}). {@code OpenApiDriftTest} compares it with
 * the routes Berth really serves.
 */
public final class OpenApi {
    /** One documented operation: {@code GET /stacks/{owner}/{name}}, what it does, the scope it needs. */
    public record Operation(String method, String path, String summary, String scope) { }

    private final JsonNode document;
    private final String json;

    public OpenApi() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (InputStream paths = OpenApi.class.getResourceAsStream("/api/openapi.yaml");
             InputStream admin = OpenApi.class.getResourceAsStream("/api/openapi-admin.yaml");
             InputStream components = OpenApi.class.getResourceAsStream("/api/openapi-components.yaml")) {
            document = yaml.readTree(paths);
            var all = (com.fasterxml.jackson.databind.node.ObjectNode) document.get("paths");
            JsonNode self = all.remove("/openapi.json");
            JsonNode docs = all.remove("/docs");
            all.setAll((com.fasterxml.jackson.databind.node.ObjectNode) yaml.readTree(admin).get("paths"));
            all.set("/openapi.json", self); // the document's own paths stay last
            all.set("/docs", docs);
            ((com.fasterxml.jackson.databind.node.ObjectNode) document).set("components",
                    yaml.readTree(components).get("components"));
            json = new ObjectMapper().writeValueAsString(document);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("api/openapi.yaml is missing or broken", e);
        }
    }

    public void register(RoutesConfig routes) {
        routes.get(ApiV1.BASE + "/openapi.json", ctx -> ctx.contentType("application/json").result(json));
    }

    /** The document's {@code info.description}: what the API is for, in a paragraph. */
    public String description() {
        return document.path("info").path("description").asText();
    }

    /** Every operation in the document, with its full path ({@code /api/v1/…}), in document order. */
    public List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (!op.getKey().equals("parameters")) {
                out.add(new Operation(op.getKey().toUpperCase(java.util.Locale.ROOT), ApiV1.BASE + path.getKey(),
                        op.getValue().path("summary").asText(), op.getValue().path("x-scope").asText("")));
            }
        }));
        return out;
    }
}
