package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.BerthInstance;
import io.berth.testing.Keycloak;
import io.berth.testing.KeycloakLogin;
import io.berth.testing.PortalClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The sign-in callback as an attacker uses it, against the real Keycloak: tokens of another application of the same
 * realm (the test realm's {@code other-app}, which may hand out tokens for a password), a code issued to that
 * application, ID tokens, logout parameters and malformed answers. Nobody is ever signed in, every answer is a 4xx
 * page, and Berth logs no ERROR.
 */
@Tag("keycloak")
class SsoCallbackAttackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Keycloak keycloak;
    private static BerthInstance berth;
    private static final ListAppender<ILoggingEvent> LOGGED = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.shared();
        berth = new BerthInstance();
        berth.startOnLoopback(SsoLoginTest.ssoConfig(berth, keycloak.issuer()), 9);
        LOGGED.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGGED);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGGED);
        if (berth != null) {
            berth.close();
        }
    }

    /** dora (an admin of Berth) signs in to the other application of the realm, which then holds her tokens. */
    private static JsonNode tokensOfDoraAtOtherApp() throws Exception {
        String form = "grant_type=password&client_id=other-app&client_secret=other-app-secret&username=dora"
                + "&password=dora-pass-1&scope=openid";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(keycloak.issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(r.body());
        // the provider's userinfo endpoint accepts this token: it is a real token of dora's
        HttpResponse<String> info = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(keycloak.issuer() + "/protocol/openid-connect/userinfo"))
                .header("Authorization", "Bearer " + tokens.get("access_token").asText()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(info.body()).contains("\"preferred_username\":\"dora\"");
        return tokens;
    }

    /** The attacker's own sign-in at Berth, begun: the state Berth issued to the attacker's browser. */
    private static String stateOfNewSignIn(PortalClient attacker) {
        HttpResponse<String> start = attacker.get("/login/oidc");
        assertThat(start.statusCode()).isEqualTo(302);
        return query(URI.create(start.headers().firstValue("Location").orElseThrow()), "state");
    }

    private static void assertNobodySignedIn(PortalClient client, HttpResponse<String> answer, int status) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("berth_session=")
                && !c.startsWith("berth_session=;"));
        assertThat(client.get("/dashboard").statusCode()).as("still anonymous").isEqualTo(302);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("dora");
    }

    @Test
    void an_access_token_of_another_application_in_place_of_a_code_signs_nobody_in() throws Exception {
        String accessToken = tokensOfDoraAtOtherApp().get("access_token").asText();
        PortalClient attacker = new PortalClient(berth.url());
        String state = stateOfNewSignIn(attacker);

        HttpResponse<String> back = attacker.get("/login/oidc/callback?state=" + state + "&access_token="
                + accessToken + "&token_type=Bearer&expires_in=300&iss=" + issuer());

        assertNobodySignedIn(attacker, back, 400);
        assertThat(back.body()).contains("never accepts from a browser");
        assertThat(logged(Level.INFO)).noneMatch(line -> line.contains("\"dora\" signed in"));
    }

    @Test
    void an_access_token_beside_a_real_code_is_refused_too() throws Exception {
        String accessToken = tokensOfDoraAtOtherApp().get("access_token").asText();
        PortalClient attacker = new PortalClient(berth.url());
        HttpResponse<String> start = attacker.get("/login/oidc");
        URI callback = KeycloakLogin.followToCallback(attacker.http(),
                URI.create(start.headers().firstValue("Location").orElseThrow()), "bob", "bob-pass-1");

        HttpResponse<String> back = attacker.get(callback.getRawPath() + "?" + callback.getRawQuery()
                + "&Access_Token=" + accessToken);

        assertNobodySignedIn(attacker, back, 400);
    }

    @Test
    void an_id_token_in_the_callback_is_refused() throws Exception {
        String idToken = tokensOfDoraAtOtherApp().get("id_token").asText();
        PortalClient attacker = new PortalClient(berth.url());
        String state = stateOfNewSignIn(attacker);

        HttpResponse<String> back = attacker.get("/login/oidc/callback?state=" + state + "&id_token=" + idToken
                + "&iss=" + issuer());

        assertNobodySignedIn(attacker, back, 400);
    }

    @Test
    void a_code_issued_to_another_application_is_refused() {
        PortalClient attacker = new PortalClient(berth.url());
        URI authorize = URI.create(keycloak.issuer() + "/protocol/openid-connect/auth?response_type=code"
                + "&client_id=other-app&scope=openid&state=s1&redirect_uri="
                + URLEncoder.encode("http://127.0.0.1/other/callback", StandardCharsets.UTF_8));
        URI othersCallback = KeycloakLogin.followToCallback(HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER).build(), authorize, "dora", "dora-pass-1");
        String code = query(othersCallback, "code");
        String state = stateOfNewSignIn(attacker);

        HttpResponse<String> back = attacker.get("/login/oidc/callback?state=" + state + "&code=" + code + "&iss="
                + query(othersCallback, "iss"));

        assertNobodySignedIn(attacker, back, 401);
        assertThat(back.body()).contains("refused the sign-in code");
    }

    @Test
    void logout_parameters_duplicates_and_odd_answers_get_a_4xx_page_and_no_error_in_the_log() {
        int errorsBefore = logged(Level.ERROR).size();
        PortalClient client = new PortalClient(berth.url());
        List<String> odd = List.of("logout_token=garbage", "sid=x", "logout_token=a.b.c&sid=x", "code=abc",
                "state=S&code=a&code=b", "state=S&state=T&code=a", "state=S", "state=S&response=eyJ.eyJ.sig",
                "state=S&code=a&iss=http%3A%2F%2Fevil.example", "state=S&error=access_denied"
                        + "&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "state=S&code=%00", "");
        for (String query : odd) {
            String state = stateOfNewSignIn(client); // a sign-in in progress, so the callback reaches the checks
            HttpResponse<String> back = client.get("/login/oidc/callback?" + query.replace("state=S",
                    "state=" + state));
            assertThat(back.statusCode()).as(query + ": " + back.body()).isBetween(400, 499);
            assertThat(back.body()).as(query).contains("id=\"error\"").doesNotContain("<script>alert");
            assertThat(client.get("/dashboard").statusCode()).as(query).isEqualTo(302);
        }
        assertThat(logged(Level.ERROR).subList(errorsBefore, logged(Level.ERROR).size())).isEmpty();
    }

    /** What Keycloak adds to its answers (RFC 9207), so the forgeries pass the library's mix-up check. */
    private static String issuer() {
        return URLEncoder.encode(keycloak.issuer(), StandardCharsets.UTF_8);
    }

    private static List<String> logged(Level level) {
        return LOGGED.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }
}
