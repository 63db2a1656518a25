package io.berth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * What a facility's Keycloak administrator does to a user, through Keycloak's admin REST API as its master-realm
 * administrator: change their groups, disable them. For tests of what Berth does when the provider changes its mind.
 */
public final class KeycloakAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Keycloak keycloak;
    private final HttpClient http = HttpClient.newHttpClient();

    public KeycloakAdmin(Keycloak keycloak) {
        this.keycloak = keycloak;
    }

    public void joinGroup(String user, String group) {
        send("PUT", "/users/" + userId(user) + "/groups/" + groupId(group), null);
    }

    public void leaveGroup(String user, String group) {
        send("DELETE", "/users/" + userId(user) + "/groups/" + groupId(group), null);
    }

    public void disable(String user) {
        send("PUT", "/users/" + userId(user), "{\"enabled\": false}");
    }

    private String userId(String user) {
        JsonNode found = send("GET", "/users?exact=true&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8),
                null);
        if (found.size() != 1) {
            throw new AssertionError("Keycloak has no single user " + user + ": " + found);
        }
        return found.get(0).get("id").asText();
    }

    private String groupId(String group) {
        for (JsonNode g : send("GET", "/groups?exact=true&search=" + group, null)) {
            if (g.get("name").asText().equals(group)) {
                return g.get("id").asText();
            }
        }
        throw new AssertionError("Keycloak has no group " + group);
    }

    private JsonNode send(String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + keycloak.port()
                            + "/admin/realms/" + Keycloak.REALM + path))
                    .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new AssertionError("Keycloak admin " + method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("Keycloak admin API did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String adminToken() throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=admin-cli&username=" + Keycloak.ADMIN + "&password="
                + Keycloak.ADMIN_PASSWORD;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + keycloak.port()
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("no Keycloak admin token (" + r.statusCode() + "): " + r.body());
        }
        return JSON.readTree(r.body()).get("access_token").asText();
    }
}
