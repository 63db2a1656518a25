package io.berth.auth.oidc;

import java.util.Map;
import java.util.Optional;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.context.session.SessionStore;

/**
 * What pac4j keeps between sending the browser to the provider and its return (state, nonce, PKCE verifier): one
 * map per sign-in in progress, held by {@link OidcLogin} under a short-lived cookie. It is not the Berth session:
 * that is started only once the provider's answer checks out.
 */
final class MapSessionStore implements SessionStore {
    private final String id;
    private final Map<String, Object> values;

    MapSessionStore(String id, Map<String, Object> values) {
        this.id = id;
        this.values = values;
    }

    @Override
    public Optional<String> getSessionId(WebContext context, boolean createSession) {
        return Optional.of(id);
    }

    @Override
    public Optional<Object> get(WebContext context, String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void set(WebContext context, String key, Object value) {
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
    }

    @Override
    public boolean destroySession(WebContext context) {
        values.clear();
        return true;
    }

    @Override
    public Optional<Object> getTrackableSession(WebContext context) {
        return Optional.empty();
    }

    @Override
    public Optional<SessionStore> buildFromTrackableSession(WebContext context, Object trackableSession) {
        return Optional.empty();
    }

    @Override
    public boolean renewSession(WebContext context) {
        return false;
    }
}
