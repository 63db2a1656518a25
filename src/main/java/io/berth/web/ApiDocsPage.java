package io.berth.web;

import io.berth.api.ApiV1;
import io.berth.api.OpenApi;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** The API's documentation as a page, {@code /api/v1/docs}: the OpenAPI document's description and operations. */
public final class ApiDocsPage {
    private final OpenApi openApi;
    private final Views views;

    public ApiDocsPage(OpenApi openApi, Views views) {
        this.openApi = openApi;
        this.views = views;
    }

    public void register(RoutesConfig routes) {
        routes.get(ApiV1.BASE + "/docs", ctx -> views.render(ctx, "api_docs.jte", Map.of("page", Page.anonymous(),
                "description", openApi.description(), "operations", openApi.operations())));
    }
}
