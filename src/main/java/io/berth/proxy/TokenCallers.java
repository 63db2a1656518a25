package io.berth.proxy;

import io.berth.auth.LoginThrottle;
import io.berth.auth.TokenHeader;
import io.berth.auth.Tokens;
import io.berth.model.User;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Callers of a service without a session: scripts and clients on compute nodes with a Berth API token. The token
 * counts only in the one form {@link TokenHeader} accepts; bad tokens are counted per address by the same
 * {@link LoginThrottle} as the API's, and an address that keeps guessing is refused before any lookup.
 */
final class TokenCallers {
    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final ClientAddress clients;

    TokenCallers(Tokens tokens, LoginThrottle throttle, ClientAddress clients) {
        this.tokens = tokens;
        this.throttle = throttle;
        this.clients = clients;
    }

    /**
     * The caller named by a Berth API token with the {@code access} scope, in the one form {@link TokenHeader}
     * accepts; otherwise answers (429 while its address backs off, 400 for several {@code Authorization} headers,
     * 401 without a valid token, 403 for a token without that scope) and returns empty.
     */
    Optional<User> resolve(Request request, Response response, Callback callback) {
        TokenHeader header = TokenHeader.read(request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION));
        if (header.kind() == TokenHeader.Kind.SEVERAL) {
            ProxyPages.severalAuthorizations(request, response, callback);
            return Optional.empty();
        }
        Optional<Tokens.Token> token = Optional.empty();
        if (header.kind() == TokenHeader.Kind.BEARER || header.kind() == TokenHeader.Kind.MALFORMED) {
            String address = clients.of(Request.getRemoteAddr(request),
                    request.getHeaders().getValuesList("X-Forwarded-For"));
            LoginThrottle.Verdict verdict = throttle.checkToken(address);
            if (!verdict.allowed()) { // an address guessing tokens: refused before any lookup
                ProxyPages.tooManyTries(request, response, callback, verdict.retryAfterSeconds());
                return Optional.empty();
            }
            token = tokens.resolve(header);
            if (token.isEmpty()) {
                throttle.failedToken(address);
            }
        }
        if (token.isEmpty()) {
            ProxyPages.loginRequired(request, response, callback);
            return Optional.empty();
        }
        if (!token.get().allows(Tokens.Scope.ACCESS)) {
            ProxyPages.tokenScope(request, response, callback);
            return Optional.empty();
        }
        return Optional.of(token.get().user());
    }
}
