package io.berth.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.backend.StackSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host folders in templates: only under the operator's docker.host_paths, also after following links. */
class HostPathTest {
    @TempDir
    Path root;
    private Path allowed;
    private TemplateRenderer renderer;

    @BeforeEach
    void folders() throws Exception {
        allowed = Files.createDirectories(root.resolve("scratch"));
        Files.createDirectories(allowed.resolve("alice"));
        Files.createDirectories(root.resolve("secrets"));
        Files.createSymbolicLink(allowed.resolve("alice/escape"), root.resolve("secrets"));
        renderer = new TemplateRenderer(new ImageMap(Map.of()), List.of(allowed.toString()));
    }

    private Template template(String hostPath) throws TemplateException {
        return new TemplateParser().parse("t.yaml", """
                name: t
                parameters:
                  sub: {type: string, default: ""}
                volumes:
                  runs: {host_path: "%s"}
                services:
                  web:
                    image: berth/demo:latest
                    volumes: ["runs:/runs"]
                    expose: [{http: 8080}]
                """.formatted(hostPath));
    }

    private StackSpec render(Template t, String sub) {
        return renderer.render(t, new TemplateRenderer.Context("alice", 1, 1, null, "s", Map.of("sub", sub), Map.of()));
    }

    @Test
    void a_folder_under_an_allowed_prefix_is_mounted_with_the_users_name_filled_in() throws Exception {
        StackSpec spec = render(template(allowed + "/${user.name}"), "");
        assertThat(spec.services().get(0).volumes()).containsExactly(
                new StackSpec.Mount(allowed.resolve("alice").toString(), StackSpec.VolumeScope.HOST, "/runs"));
    }

    @Test
    void a_parameter_cannot_climb_out_with_dot_dot() throws Exception {
        Template t = template(allowed + "/${user.name}/${param.sub}");
        assertThatThrownBy(() -> render(t, "../../secrets")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not under a folder this site allows");
    }

    @Test
    void a_symbolic_link_out_of_the_allowed_folder_is_refused() throws Exception {
        assertThatThrownBy(() -> render(template(allowed + "/alice/escape"), ""))
                .hasMessageContaining("leads to").hasMessageContaining("secrets");
    }

    @Test
    void a_missing_folder_is_refused_with_a_hint() throws Exception {
        assertThatThrownBy(() -> render(template(allowed + "/bob"), "")).hasMessageContaining("does not exist");
    }

    @Test
    void without_allowed_prefixes_no_host_folder_is_mounted() throws Exception {
        TemplateRenderer strict = new TemplateRenderer(new ImageMap(Map.of()));
        Template t = template(allowed + "/alice");
        assertThatThrownBy(() -> strict.render(t, new TemplateRenderer.Context("alice", 1, 1, null, "s",
                Map.of("sub", ""), Map.of()))).hasMessageContaining("docker.host_paths");
    }

    @Test
    void a_relative_host_path_or_one_with_a_scope_is_a_template_error() {
        assertThatThrownBy(() -> template("scratch/x")).hasMessageContaining("t.yaml:5:21: volumes.runs.host_path:");
        assertThatThrownBy(() -> new TemplateParser().parse("t.yaml", """
                name: t
                volumes:
                  runs: {host_path: /x, scope: owner}
                services:
                  web: {image: a, expose: [{http: 1}]}
                """)).hasMessageContaining("a host folder has no scope");
    }
}
