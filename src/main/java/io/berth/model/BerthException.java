package io.berth.model;

/**
 * The one exception type a request can end with: it carries the HTTP status, a short error code, a message for
 * the user and (for bad input) the field at fault. {@code web.ErrorMapper} turns it into a page or JSON.
 * It lives in {@code model}, below every layer, because services, stores' callers and pages all throw it.
 */
public final class BerthException extends RuntimeException {
    private final int status;
    private final String error;
    private final String field;

    public BerthException(int status, String error, String message, String field) {
        super(message);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    public static BerthException badRequest(String field, String message) {
        return new BerthException(400, "bad_request", message, field);
    }

    public static BerthException forbidden(String message) {
        return new BerthException(403, "forbidden", message, null);
    }

    public static BerthException notFound(String message) {
        return new BerthException(404, "not_found", message, null);
    }

    public static BerthException conflict(String field, String message) {
        return new BerthException(409, "conflict", message, field);
    }

    public static BerthException unavailable(String message) {
        return new BerthException(503, "unavailable", message, null);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String field() {
        return field;
    }
}
