package io.berth.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.berth.model.BerthException;
import io.javalin.http.Context;
import java.util.stream.Collectors;

/**
 * Reads JSON request bodies into records, strictly: unknown fields, wrong types and broken JSON are 400s that name
 * the field (or the line and column). Answers are written with the same mapper: snake_case keys, ISO-8601 times.
 */
final class Bodies {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Bodies are small forms; anything larger is refused before parsing. */
    static final int MAX_BYTES = 64 * 1024;

    private Bodies() { }

    static <T> T read(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BerthException(415, "unsupported_media_type", "Send the body as JSON"
                    + " (Content-Type: application/json).", null);
        }
        if (ctx.contentLength() > MAX_BYTES) { // refused before reading it (the framework's own limit answers in text)
            throw new BerthException(413, "too_large", "The body is larger than " + MAX_BYTES / 1024 + " KiB.", null);
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BYTES) {
            throw new BerthException(413, "too_large", "The body is larger than " + MAX_BYTES / 1024 + " KiB.", null);
        }
        if (body.length == 0) {
            throw BerthException.badRequest(null, "The body is empty; send a JSON object.");
        }
        try {
            T value = JSON.readValue(body, type);
            if (value == null) {
                throw BerthException.badRequest(null, "The body is null; send a JSON object.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw BerthException.badRequest(path(e), "Unknown field \"" + path(e) + "\"; known fields: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ".");
        } catch (JsonMappingException e) {
            String field = path(e);
            throw BerthException.badRequest(field.isEmpty() ? null : field, field.isEmpty()
                    ? "The body must be a JSON object." : "The field \"" + field + "\" has a value of the wrong type.");
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw BerthException.badRequest(null, "The body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ".");
        } catch (java.io.IOException e) {
            throw BerthException.badRequest(null, "The body cannot be read.");
        }
    }

    /** Answers with {@code value} as JSON. */
    static void send(Context ctx, int status, Object value) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
