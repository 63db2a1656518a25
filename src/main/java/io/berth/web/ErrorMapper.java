package io.berth.web;

import io.berth.audit.Audit;
import io.berth.model.BerthException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failed request becomes an answer: client errors are logged at DEBUG without a stack trace,
 * server errors at ERROR; browsers get a page, API clients JSON of the shape {@code {error, message, field}}.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private static final String ANSWERED = "berth.error.answered";

    private final Views views;

    public ErrorMapper(Views views) {
        this.views = views;
    }

    void register(RoutesConfig routes) {
        routes.exception(BerthException.class, (e, ctx) -> safely(ctx, e, () -> answer(ctx, e)));
        // The framework's own refusals (its body size limit, 405s): same shape as Berth's
        routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> safely(ctx, e, () -> answer(ctx,
                e.getStatus() == 404 ? BerthException.notFound("There is no such page.")
                        : new BerthException(e.getStatus(), framework(e.getStatus()), e.getMessage(), null))));
        routes.exception(Exception.class, (e, ctx) -> safely(ctx, e, () -> {
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            answer(ctx, new BerthException(500, "internal", "Something went wrong in Berth; the error is logged.", null));
        }));
        routes.error(404, ctx -> {
            if (ctx.attribute(ANSWERED) == null) { // Javalin's own "Endpoint … not found"
                answer(ctx, BerthException.notFound("There is no such page."));
            }
        });
    }

    private static String framework(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            default -> status >= 500 ? "internal" : "http_" + status;
        };
    }

    /**
     * Runs an answer that must never throw: a request that already ended (a stream closed while Berth stops) has
     * no answer left to give, and an exception here would be handed back to this mapper again.
     */
    private static void safely(Context ctx, Exception cause, Runnable answer) {
        try {
            answer.run();
        } catch (RuntimeException e) {
            LOG.debug("no answer possible for a failed request ({}): {}", cause.toString(), e.toString());
        }
    }

    private void answer(Context ctx, BerthException e) {
        ctx.attribute(ANSWERED, true);
        ctx.attribute(Audit.DETAIL, e.getMessage());
        if (e.status() >= 500) {
            LOG.error("request {} {}: {} {}", ctx.method(), ctx.path(), e.status(), e.getMessage());
        } else {
            LOG.debug("request {} {}: {} {}", ctx.method(), ctx.path(), e.status(), e.getMessage());
        }
        ctx.status(e.status());
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/html") && !ctx.path().startsWith("/api/")) {
            views.render(ctx, "error.jte", Map.of("page", Guard.page(ctx), "status", e.status(), "message", e.getMessage()));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.error());
            body.put("message", e.getMessage());
            if (e.field() != null) {
                body.put("field", e.field());
            }
            ctx.json(body);
        }
    }
}
