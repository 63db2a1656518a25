package io.berth.web;

import io.berth.model.BerthException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty refuses before any of Berth's routes runs (an ambiguous or NUL-bearing URI under Jetty's URI
 * compliance, a malformed request): answered in Berth's shapes instead of Jetty's HTML, JSON
 * {@code {"error","message"}} under {@code /api/} and for clients that do not ask for HTML, a plain Berth page for
 * browsers elsewhere. Everything that reaches Javalin
 * is answered by {@link ErrorMapper}; this handler only covers the gap before it.
 */
final class EarlyErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        String body;
        // ErrorMapper's rule: a page only for browsers outside the API. A request refused while it was parsed (a NUL
        // in its path) reaches this with neither path nor headers (Jetty's "/badMessage"): it gets JSON.
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (accept == null || !accept.contains("text/html") || path(request).startsWith("/api/")) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            body = "{\"error\":\"" + error(code) + "\",\"message\":\"" + jsonEscape(text) + "\"}";
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
            body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + code + " · Berth</title>"
                    + "<link rel=\"stylesheet\" href=\"/static/berth.css\"></head><body><main><h1>" + code + " "
                    + htmlEscape(HttpStatus.getMessage(code)) + "</h1><p class=\"error\">" + htmlEscape(text)
                    + "</p><p><a href=\"/dashboard\">Back to Berth</a></p></main></body></html>\n";
        }
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** The path as the client sent it (still encoded: the decoded one of an ambiguous URI is what was refused). */
    private static String path(Request request) {
        String uri = request.getHttpURI().asString();
        int scheme = uri.indexOf("://");
        int slash = uri.indexOf('/', scheme < 0 ? 0 : scheme + 3);
        return slash < 0 ? "" : uri.substring(slash);
    }

    /** The same error names {@link BerthException} uses for these statuses. */
    private static String error(int code) {
        return switch (code) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> code >= 500 ? "internal" : "http_" + code;
        };
    }

    private static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String htmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;");
    }
}
