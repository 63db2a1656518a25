package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.RawHttp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Token secrets and passwords never reach the log: everything Berth logs (at every level it logs at) while tokens
 * are created, used, misused and revoked, through the pages, the API and the proxy, is captured and searched.
 */
class SecretsNotLoggedTest {
    @Test
    void no_secret_appears_in_the_log() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        List<String> secrets = new ArrayList<>(List.of("alice-password", "bob-password"));
        try (LoopbackPortal portal = new LoopbackPortal(null, null, "demo")) {
            String pageToken = portal.alice.createToken("from-page", "read launch access tokens");
            secrets.add(pageToken);
            String apiToken = viaApi(portal, pageToken);
            secrets.add(apiToken);
            String typo = pageToken.substring(0, pageToken.length() - 1) + (pageToken.endsWith("A") ? "B" : "A");
            secrets.add(typo);

            for (String token : List.of(pageToken, apiToken, typo)) {
                RawHttp.get(portal.url(), "/api/v1/me", "Authorization: Bearer " + token);
                RawHttp.get(portal.url(), "/user/alice/lab/web/", "Authorization: Bearer " + token);
                RawHttp.get(portal.url(), "/metrics", "Authorization: Bearer " + token);
            }
            portal.alice.get("/tokens");
            RawHttp.get(portal.url(), "/api/v1/stacks", "Authorization: Bearer " + pageToken + "x");
            portal.alice.post("/login", java.util.Map.of("username", "alice", "password", "wrong-" + "alice-password"));
        } finally {
            root.detachAppender(captured);
        }
        assertThat(captured.list).as("something was logged").isNotEmpty();
        for (ILoggingEvent event : captured.list) {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (String secret : secrets) {
                assertThat(text).as("log line from " + event.getLoggerName()).doesNotContain(secret);
            }
        }
    }

    /** Makes a token through the API and returns its secret. */
    private static String viaApi(LoopbackPortal portal, String token) throws Exception {
        var made = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(portal.url() + "/api/v1/tokens")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"from-api\", \"scopes\": [\"read\"]}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        int at = made.body().indexOf("\"secret\":\"");
        return made.body().substring(at + 10, made.body().indexOf('"', at + 10));
    }
}
