package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.Keycloak;
import io.berth.testing.KeycloakLogin;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The test realm works for a plain OIDC client, without Berth: discovery, a scripted authorization code flow with
 * PKCE and a confidential client, and the claims Berth relies on ({@code preferred_username}, {@code groups}). When
 * this fails, the single sign-on tests of Berth cannot pass, and the fault is in the realm or the fixture.
 */
@Tag("keycloak")
class KeycloakRealmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Any loopback port is accepted: the realm registers the callback without one. */
    private static final String CALLBACK = "http://127.0.0.1:9/login/oidc/callback";
    private static Keycloak keycloak;
    private static JsonNode discovery;

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.shared();
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(keycloak.discoveryUrl())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        discovery = JSON.readTree(r.body());
    }

    @Test
    void the_discovery_document_names_the_issuer_berth_is_configured_with() {
        assertThat(discovery.path("issuer").asText()).isEqualTo(keycloak.issuer());
        assertThat(discovery.path("authorization_endpoint").asText()).startsWith(keycloak.issuer());
        assertThat(discovery.path("code_challenge_methods_supported").toString()).contains("S256");
    }

    @Test
    void alice_logs_in_and_her_id_token_names_her_and_her_group() throws Exception {
        JsonNode claims = idTokenClaims(login("alice", "alice-pass-1"));

        assertThat(claims.path("preferred_username").asText()).isEqualTo("alice");
        assertThat(claims.path("email").asText()).isEqualTo("alice@lab.example.org");
        assertThat(claims.path("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(claims.path("aud").toString()).contains(keycloak.clientId());
        assertThat(groups(claims)).containsExactly("lqcd");
    }

    @Test
    void carol_logs_in_too_but_her_only_group_is_visitors() throws Exception {
        JsonNode claims = idTokenClaims(login("carol", "carol-pass-1"));

        assertThat(claims.path("preferred_username").asText()).isEqualTo("carol");
        assertThat(groups(claims)).containsExactly("visitors");
    }

    @Test
    void dora_is_in_two_groups_by_their_short_names() throws Exception {
        JsonNode claims = idTokenClaims(login("dora", "dora-pass-1"));

        assertThat(groups(claims))
                .containsExactlyInAnyOrder("lqcd", "berth-admins");
    }

    @Test
    void a_wrong_password_gets_keycloaks_error_page() {
        Flow flow = new Flow();
        assertThatThrownBy(() -> KeycloakLogin.followToCallback(browser(), flow.authorizationUrl(), "alice", "wrong"))
                .hasMessageContaining("Invalid username or password");
    }

    /** One sign-in in progress: its state, nonce and PKCE verifier. */
    private static final class Flow {
        final String state = random();
        final String nonce = random();
        final String verifier = random() + random();

        URI authorizationUrl() {
            return URI.create(discovery.path("authorization_endpoint").asText() + "?response_type=code"
                    + "&client_id=" + enc(keycloak.clientId()) + "&redirect_uri=" + enc(CALLBACK)
                    + "&scope=" + enc("openid profile email") + "&state=" + state + "&nonce=" + nonce
                    + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256");
        }
    }

    /** Logs in at Keycloak's form, checks the answer Keycloak sends back, and redeems its code for tokens. */
    private static JsonNode login(String user, String password) throws Exception {
        Flow flow = new Flow();
        URI callback = KeycloakLogin.followToCallback(browser(), flow.authorizationUrl(), user, password);

        assertThat(callback.toString()).startsWith(CALLBACK + "?");
        Map<String, String> answer = query(callback);
        assertThat(answer).containsEntry("state", flow.state).containsKey("code").doesNotContainKey("error");

        String form = "grant_type=authorization_code&code=" + enc(answer.get("code")) + "&redirect_uri=" + enc(CALLBACK)
                + "&code_verifier=" + flow.verifier;
        String basic = Base64.getEncoder().encodeToString((enc(keycloak.clientId()) + ":" + enc(keycloak.clientSecret()))
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> tokens = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(discovery.path("token_endpoint").asText()))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(tokens.body());
        JsonNode claims = idTokenClaims(body);
        assertThat(claims.path("nonce").asText()).isEqualTo(flow.nonce);
        return body;
    }

    /** The id_token's payload; its signature is Berth's business (pac4j checks it), not this test's. */
    private static JsonNode idTokenClaims(JsonNode tokens) throws Exception {
        String[] parts = tokens.path("id_token").asText().split("\\.");
        assertThat(parts).as("a signed JWT").hasSize(3);
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static List<String> groups(JsonNode claims) {
        assertThat(claims.path("groups").isArray()).as("a groups claim: " + claims).isTrue();
        List<String> names = new ArrayList<>();
        claims.path("groups").forEach(g -> names.add(g.asText()));
        return names;
    }

    /** A fresh browser: its own cookies, and redirects left to {@link KeycloakLogin}. */
    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
