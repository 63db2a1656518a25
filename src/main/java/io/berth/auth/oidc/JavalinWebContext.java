package io.berth.auth.oidc;

import io.javalin.http.Context;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.pac4j.core.context.Cookie;
import org.pac4j.core.context.WebContext;

/**
 * pac4j's view of one Javalin request (there is no javalin-pac4j for Javalin 7). Only what the OIDC client reads:
 * headers, the request's URL, and the parameters Berth chose to show it ({@link CallbackAnswer#forLibrary}), never
 * the request's own: what pac4j cannot see, it cannot be tricked by. Pac4j never writes the response here; Berth does.
 */
final class JavalinWebContext implements WebContext {
    private final Context ctx;
    private final Map<String, String> parameters;

    JavalinWebContext(Context ctx, Map<String, String> parameters) {
        this.ctx = ctx;
        this.parameters = Map.copyOf(parameters);
    }

    @Override
    public Optional<String> getRequestParameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    @Override
    public Map<String, String[]> getRequestParameters() {
        return parameters.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new String[] {e.getValue()}));
    }

    @Override
    public Optional getRequestAttribute(String name) {
        return Optional.ofNullable(ctx.attribute(name));
    }

    @Override
    public void setRequestAttribute(String name, Object value) {
        ctx.attribute(name, value);
    }

    @Override
    public Optional<String> getRequestHeader(String name) {
        return Optional.ofNullable(ctx.header(name));
    }

    @Override
    public String getRequestMethod() {
        return ctx.method().name();
    }

    @Override
    public String getRemoteAddr() {
        return ctx.ip();
    }

    @Override
    public void setResponseHeader(String name, String value) {
        ctx.header(name, value);
    }

    @Override
    public Optional<String> getResponseHeader(String name) {
        return Optional.ofNullable(ctx.res().getHeader(name));
    }

    @Override
    public void setResponseContentType(String content) {
        ctx.contentType(content);
    }

    @Override
    public String getServerName() {
        return ctx.req().getServerName();
    }

    @Override
    public int getServerPort() {
        return ctx.req().getServerPort();
    }

    @Override
    public String getScheme() {
        return ctx.scheme();
    }

    @Override
    public boolean isSecure() {
        return ctx.req().isSecure();
    }

    @Override
    public String getFullRequestURL() {
        return ctx.fullUrl();
    }

    @Override
    public Collection<Cookie> getRequestCookies() {
        return ctx.cookieMap().entrySet().stream().map(e -> new Cookie(e.getKey(), e.getValue())).toList();
    }

    @Override
    public void addResponseCookie(Cookie cookie) {
        throw new UnsupportedOperationException("Berth sets its own cookies");
    }

    @Override
    public String getPath() {
        return ctx.path();
    }
}
