package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.berth.testing.BerthInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Berth publishes its identity-assertion keys at {@code /.well-known/jwks.json} to anyone, as JSON a minute
 * cacheable, public parts only; the keys live in its store, so a restart on the same data publishes (and signs with)
 * the same key. Nothing else became public with it.
 */
class JwksEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private BerthInstance berth;

    @AfterEach
    void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void the_key_set_is_served_to_anyone_and_the_same_after_a_restart() throws Exception {
        berth = new BerthInstance();
        berth.startOnLoopback(berth.config(), 9);
        HttpResponse<String> first = get("/.well-known/jwks.json");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("public, max-age=60");
        assertThat(first.headers().firstValue("X-Content-Type-Options")).as("still the portal's headers")
                .hasValue("nosniff");
        List<JWK> keys = JWKSet.parse(first.body()).getKeys();
        assertThat(keys).hasSize(1).allSatisfy(key -> {
            assertThat(key.isPrivate()).isFalse();
            assertThat(key.getAlgorithm().getName()).isEqualTo("ES256");
        });
        assertThat(first.body()).doesNotContain("\"d\"");

        berth.stop();
        berth.startOnLoopback(berth.config(), 9);
        HttpResponse<String> again = get("/.well-known/jwks.json");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JWKSet.parse(again.body()).getKeys()).extracting(JWK::getKeyID)
                .containsExactly(keys.get(0).getKeyID());
    }

    @Test
    void only_that_one_path_is_public_under_well_known() throws Exception {
        berth = new BerthInstance();
        berth.startOnLoopback(berth.config(), 9);
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/jwks.json/x", "/dashboard")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).as(path).hasValueSatisfying(
                    to -> assertThat(to).startsWith("/login"));
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(berth.url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
