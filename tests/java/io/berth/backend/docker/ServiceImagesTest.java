package io.berth.backend.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.TestDocker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/images/build.sh: every service image exists with its recipe's fingerprint and a health check, and a second
 * run builds nothing (the images are built once per machine; the end-to-end tests use them).
 */
class ServiceImagesTest {

    @Test
    void images_are_built_once_with_a_fingerprint_and_a_health_check() {
        TestDocker.ensureImages();
        for (String image : List.of(TestDocker.JUPYTER_IMAGE, TestDocker.OMNIBOARD_IMAGE, TestDocker.MONGO_STANDIN_IMAGE)) {
            assertThat(TestDocker.inspect(image, "{{index .Config.Labels \"berth.recipe\"}}")).as(image).matches("[0-9a-f]{16}");
            assertThat(TestDocker.inspect(image, "{{json .Config.Healthcheck.Test}}")).as(image).startsWith("[\"CMD\"");
        }
        assertThat(TestDocker.run(List.of("deploy/images/build.sh"))).as("a rerun builds nothing").isEmpty();
    }

    @Test
    void an_unknown_image_name_is_refused_with_the_known_ones() {
        var run = new ProcessBuilder("deploy/images/build.sh", "mongo").redirectErrorStream(true);
        String out;
        int code;
        try {
            Process p = run.start();
            out = new String(p.getInputStream().readAllBytes());
            code = p.waitFor();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(code).isNotZero();
        assertThat(out).contains("unknown image 'mongo'", "jupyter omniboard mongo-standin");
    }
}
