package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.LoopbackPortal;
import io.berth.testing.Stacks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's "Use the API" examples, run as they are written, with curl, against a running Berth. */
class ReadmeExamplesTest {
    private static LoopbackPortal portal;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal(null, null, "demo");
    }

    @AfterAll
    static void stop() throws Exception {
        portal.close();
    }

    static String examples() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## Use the API");
        assertThat(section).as("README has a \"Use the API\" section").isPositive();
        int start = readme.indexOf("```sh\n", section);
        int end = readme.indexOf("\n```", start + 6);
        assertThat(readme.indexOf("\n## ", section + 1)).as("the examples are in that section").isGreaterThan(end);
        return readme.substring(start + 6, end + 1);
    }

    @Test
    void the_curl_examples_work_as_written() throws Exception {
        String script = examples();
        assertThat(script).contains("curl");
        ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true);
        bash.environment().put("BERTH", portal.url());
        bash.environment().put("TOKEN", portal.alice.createToken("readme", "read launch"));
        Process p = bash.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the examples finish").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("\"name\":\"demo\"").contains("event: done").contains("\"state\":\"READY\"")
                .contains("/user/alice/from-curl/web/");
        Stacks.waitUntil(() -> portal.alice.get("/stacks/alice/from-curl").statusCode() == 404, Duration.ofSeconds(20));
    }

    @Test
    void without_a_token_the_examples_stop_at_once_and_say_why() throws Exception {
        Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", examples()).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("set TOKEN to an API token");
    }
}
