package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document and the routes Berth really serves under {@code /api/v1} must agree: same operations, each
 * with the scope {@link ApiAuth} demands, and the auth failures documented where auth applies.
 */
class OpenApiDriftTest {
    private static BerthInstance berth;
    private static JsonNode served;

    @BeforeAll
    static void start() throws Exception {
        berth = new BerthInstance();
        berth.startOnLoopback(berth.config(), 9);
        var r = new PortalClient(berth.url()).getJson("/api/v1/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        served = new ObjectMapper().readTree(r.body());
    }

    @AfterAll
    static void stop() {
        berth.close();
    }

    private static Set<String> documented() {
        Set<String> out = new TreeSet<>();
        served.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(method -> {
            if (!method.equals("parameters")) {
                out.add(method.toUpperCase() + " " + ApiV1.BASE + p.getKey());
            }
        }));
        return out;
    }

    @Test
    void every_route_is_documented_and_every_documented_operation_is_served() {
        Set<String> routes = new TreeSet<>(berth.routes().stream().filter(r -> r.contains(" " + ApiV1.BASE + "/"))
                .filter(r -> HandlerType.findOrCreate(r.substring(0, r.indexOf(' '))).isHttpMethod()) // not BEFORE
                .toList());
        assertThat(routes).as("routes served under /api/v1").isNotEmpty();
        assertThat(documented()).isEqualTo(routes);
    }

    @Test
    void each_operation_names_the_scope_the_server_demands_and_its_auth_failures() {
        served.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
            if (op.getKey().equals("parameters")) {
                return;
            }
            String path = ApiV1.BASE + p.getKey();
            String what = op.getKey().toUpperCase() + " " + path;
            JsonNode operation = op.getValue();
            if (ApiAuth.PUBLIC.contains(path)) {
                assertThat(operation.path("security").isArray() && operation.path("security").isEmpty())
                        .as(what + " is public").isTrue();
                return;
            }
            String scope = ApiAuth.needed(HandlerType.findOrCreate(op.getKey().toUpperCase()), path).id();
            assertThat(operation.path("x-scope").asText()).as(what + " x-scope").isEqualTo(scope);
            assertThat(operation.path("responses").has("401")).as(what + " documents 401").isTrue();
            if (!scope.equals("read") || path.contains("{")) {
                assertThat(List.of("403", "404")).as(what + " documents 403 or 404")
                        .anyMatch(code -> operation.path("responses").has(code));
            }
        }));
    }

    @Test
    void the_readable_page_lists_every_operation() {
        String page = new PortalClient(berth.url()).get("/api/v1/docs").body();
        for (String op : documented()) {
            String path = op.substring(op.indexOf(' ') + 1);
            assertThat(page).as(op).contains("<code>" + path + "</code>");
        }
    }
}
