package io.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.testing.LoopbackBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start's order as an operator meets it: the backend is made on a thread of its own while the database opens
 * (App), yet a configuration mistake is still refused before a database file exists, and a backend that cannot be
 * made leaves the database closed for the next attempt.
 */
class AppStartTest {
    @TempDir
    Path home;

    private BerthConfig config() throws Exception {
        Files.createDirectories(home.resolve("templates"));
        BerthConfig config = new BerthConfig();
        config.server.host = "127.0.0.1";
        config.server.port = 0;
        config.store.url = "jdbc:h2:file:" + home.resolve("data/berth");
        config.catalog.dir = home.resolve("templates").toString();
        config.usage.intervalSeconds = 0;
        return config;
    }

    @Test
    void an_unknown_backend_is_refused_by_name_before_any_database_file_is_made() throws Exception {
        BerthConfig config = config();
        config.backend = "kubernetes";
        ConfigException e = assertThrows(ConfigException.class, () -> App.start(config, "admin-secret-42"));
        assertTrue(e.getMessage().contains("backend is \"kubernetes\""), e.getMessage());
        assertTrue(e.getMessage().contains("docker") && e.getMessage().contains("swarm"), e.getMessage());
        assertFalse(Files.exists(home.resolve("data")), "no database was made for a start that was refused");
    }

    @Test
    void a_backend_that_cannot_be_made_fails_the_start_and_leaves_the_database_free_for_the_next() throws Exception {
        BerthConfig config = config();
        ConfigException e = assertThrows(ConfigException.class, () -> App.start(config, "admin-secret-42",
                c -> {
                    throw new ConfigException("docker.host is \"tcp:/nowhere\"; write tcp://host:port");
                }));
        assertEquals("docker.host is \"tcp:/nowhere\"; write tcp://host:port", e.getMessage());

        // the same file opens at once: the failed start closed it (an H2 file stays locked while open)
        try (App app = App.start(config, "admin-secret-42", c -> new LoopbackBackend(1))) {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
        }
    }
}
