package io.berth.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The images {@code deploy/images/build.sh} makes stand in for the shipped templates' upstream images only where the
 * site said nothing and the engine lacks the upstream one; the catalog's sentence names the command or the mapping.
 * The engine is a set of image names here: what is asked of it is the logic under test (the browser tests run the
 * shipped templates on a real engine this way, with no mapping written).
 */
class LocalBuildsTest {
    private static final String JUPYTER = "quay.io/jupyter/base-notebook:2025-06-30";
    private static final String MONGO = "mongo:8.0";

    private final Set<String> engine = new HashSet<>();

    private ImageMap map(Map<String, String> configured) {
        return new ImageMap(configured, LocalBuilds.shipped(), engine::contains);
    }

    @Test
    void a_local_build_stands_in_for_a_missing_upstream_image() {
        engine.add("berth/jupyter:notebook6-bookworm");

        assertThat(map(Map.of()).map(JUPYTER)).isEqualTo("berth/jupyter:notebook6-bookworm");
    }

    @Test
    void an_upstream_image_the_site_pulled_is_kept() {
        engine.add(MONGO);
        engine.add("berth/mongo-standin:1.47.0");

        assertThat(map(Map.of()).map(MONGO)).isEqualTo(MONGO);
    }

    @Test
    void a_mapping_in_berth_yaml_wins_over_a_local_build() {
        engine.add("berth/mongo-standin:1.47.0");

        assertThat(map(Map.of(MONGO, "registry.site/mongo:8.0")).map(MONGO)).isEqualTo("registry.site/mongo:8.0");
        assertThat(map(Map.of("docker.io/", "mirror.site/")).map(MONGO)).isEqualTo("mirror.site/library/mongo:8.0");
    }

    @Test
    void without_the_local_build_on_the_engine_the_upstream_name_stays() {
        assertThat(map(Map.of()).map(JUPYTER)).isEqualTo(JUPYTER);
    }

    @Test
    void an_engine_that_cannot_answer_swaps_nothing() {
        ImageMap map = new ImageMap(Map.of(), LocalBuilds.shipped(), image -> {
            throw new IllegalStateException("engine away");
        });

        assertThat(map.map(MONGO)).isEqualTo(MONGO);
    }

    @Test
    void local_builds_off_leave_only_the_mapping() {
        engine.add("berth/jupyter:notebook6-bookworm");

        assertThat(new ImageMap(Map.of(), LocalBuilds.none(), engine::contains).map(JUPYTER)).isEqualTo(JUPYTER);
    }

    @Test
    void the_catalog_sentence_names_the_build_command_the_mapping_or_a_registry() {
        assertThat(map(Map.of()).missingAdvice(JUPYTER)).isEqualTo("Image " + JUPYTER + " is not on the Docker "
                + "engine: build its local replacement with deploy/images/build.sh jupyter (about 2 minutes here), or "
                + "map it under images: in berth.yaml.");
        assertThat(map(Map.of()).missingAdvice("ghcr.io/mlflow/mlflow:v3.6.0")).isEqualTo("Image "
                + "ghcr.io/mlflow/mlflow:v3.6.0 is not on the Docker engine and needs a registry or a local build of "
                + "it: pull it, or map it under images: in berth.yaml (README, \"Images without a registry\").");
        assertThat(map(Map.of(MONGO, "registry.site/mongo:8.0")).missingAdvice(MONGO)).isEqualTo("Image "
                + "registry.site/mongo:8.0 (what images: in berth.yaml runs for mongo:8.0) is not on the Docker engine:"
                + " pull, load or build it there.");
    }

    @Test
    void the_mongodb_stand_in_says_what_it_is_wherever_it_runs() {
        assertThat(map(Map.of()).note("berth/mongo-standin:1.47.0")).startsWith("berth/mongo-standin:1.47.0 is a "
                + "development stand-in for MongoDB").contains("map mongo:8.0 to a real MongoDB image");
        assertThat(map(Map.of()).note("berth/jupyter:notebook6-bookworm")).isNull();
    }

    @Test
    void every_local_build_is_what_build_sh_makes_for_an_image_a_shipped_template_uses() throws IOException {
        Map<String, String> built = new HashMap<>();
        Matcher m = Pattern.compile("\\[([a-z-]+)]=([^\\s)]+)").matcher(Files.readString(Path.of("deploy/images/build.sh")));
        while (m.find()) {
            built.put(m.group(1), m.group(2).replace("$OMNIBOARD_VERSION", "2.16.1"));
        }
        Set<String> used = new HashSet<>();
        try (var files = Files.list(Path.of("templates"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Matcher image = Pattern.compile("(?m)^\\s+image:\\s*(\\S+)").matcher(Files.readString(f));
                while (image.find()) {
                    used.add(image.group(1));
                }
            }
        }
        assertThat(LocalBuilds.shipped().all()).isNotEmpty().allSatisfy((upstream, b) -> {
            assertThat(built).as("build.sh's IMAGE table").containsEntry(b.recipe(), b.image());
            assertThat(used).as("images of templates/*.yaml").contains(upstream);
        });
    }
}
