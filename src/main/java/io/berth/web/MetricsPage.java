package io.berth.web;

import io.berth.auth.Session;
import io.berth.auth.TokenHeader;
import io.berth.auth.Tokens;
import io.berth.metrics.BerthMetrics;
import io.berth.model.BerthException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /metrics} in Prometheus text: for allow-listed addresses ({@code server.metrics_allow}, not through a
 * reverse proxy), admins' sessions
 * and API tokens with the {@code admin} scope.
 */
public final class MetricsPage {
    private final BerthMetrics metrics;
    private final Tokens tokens;
    private final Set<String> allowed;

    public MetricsPage(BerthMetrics metrics, Tokens tokens, List<String> allowed) {
        this.metrics = metrics;
        this.tokens = tokens;
        this.allowed = Set.copyOf(allowed);
    }

    public void register(RoutesConfig routes) {
        routes.get("/metrics", this::scrape);
    }

    private void scrape(Context ctx) {
        // a request that passed a reverse proxy (on this host, it too comes from 127.0.0.1) is not the scraper
        boolean proxied = ctx.header("X-Forwarded-For") != null || ctx.header("Forwarded") != null;
        if (proxied || !allowed.contains(ctx.req().getRemoteAddr())) {
            Session session = ctx.attribute(Guard.SESSION);
            Optional<Tokens.Token> token = tokens.resolve(
                    TokenHeader.read(java.util.Collections.list(ctx.req().getHeaders("Authorization"))));
            boolean admin = (session != null && session.user().admin())
                    || token.map(t -> t.allows(Tokens.Scope.ADMIN)).orElse(false);
            if (!admin) {
                if (session == null && token.isEmpty()) {
                    ctx.header("WWW-Authenticate", "Bearer realm=\"berth\"");
                    throw new BerthException(401, "unauthorized",
                            "Send an API token with the admin scope, or scrape from an address in server.metrics_allow.",
                            null);
                }
                throw BerthException.forbidden("Only admins may read the metrics.");
            }
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}
