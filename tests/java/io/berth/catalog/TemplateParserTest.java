package io.berth.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateParserTest {
    private final TemplateParser parser = new TemplateParser();

    private static final String GOOD = """
            name: demo
            title: Demo
            description: A page.
            services:
              web:
                image: berth/demo:latest
                command: [sh, -c, "exec httpd -f"]
                env: {A: "1"}
                expose:
                  - http: 8080
                    route: path
            """;

    @Test
    void a_minimal_template_is_read_with_its_service() throws TemplateException {
        Template t = parser.parse("demo.yaml", GOOD);
        assertThat(t.name()).isEqualTo("demo");
        assertThat(t.services()).singleElement().satisfies(s -> {
            assertThat(s.image()).isEqualTo("berth/demo:latest");
            assertThat(s.command()).containsExactly("sh", "-c", "exec httpd -f");
            assertThat(s.env()).containsEntry("A", "1");
            assertThat(s.http().port()).isEqualTo(8080);
            assertThat(s.http().route()).isEqualTo(Template.Expose.Route.PATH);
        });
        assertThat(t.httpServices()).containsExactly("web");
    }

    @Test
    void a_templates_own_backup_schedule_and_retention_are_read_and_without_them_berth_yaml_decides() throws Exception {
        String backedUp = """
                name: notes
                volumes:
                  data: {scope: stack}
                services:
                  web:
                    image: berth/demo:latest
                    volumes: ["data:/data"]
                    backup: {volumes: [data]}
                    expose: [{http: 8080}]
                """;
        BackupPolicy own = parser.parse("notes.yaml", "backups: {schedule: off, keep: 30}\n" + backedUp).backups();
        assertThat(own).isEqualTo(new BackupPolicy("off", 30));
        assertThat(own.scheduleOr("daily")).isEqualTo("off");
        assertThat(own.keepOr(7)).isEqualTo(30);
        BackupPolicy site = parser.parse("notes.yaml", backedUp).backups();
        assertThat(site).isEqualTo(BackupPolicy.SITE);
        assertThat(site.scheduleOr("daily")).isEqualTo("daily");
        assertThat(site.keepOr(7)).isEqualTo(7);
    }

    @Test
    void the_shipped_demo_template_is_valid() throws Exception {
        Template t = parser.parse("demo.yaml", Files.readString(Path.of("templates/demo.yaml")));
        assertThat(t.images()).containsExactly("berth/demo:latest");
    }

    @Test
    void an_unknown_key_names_the_file_line_and_key() {
        String text = GOOD.replace("    env:", "    enviroment: {}\n    env:");
        assertThatThrownBy(() -> parser.parse("demo.yaml", text))
                .hasMessageContaining("demo.yaml:8:5")
                .hasMessageContaining("enviroment");
    }

    @Test
    void a_missing_image_names_the_service() {
        String text = GOOD.replace("    image: berth/demo:latest\n", "");
        assertThatThrownBy(() -> parser.parse("demo.yaml", text)).hasMessageContaining("image")
                .hasMessageContaining("is required");
    }

    @Test
    void an_out_of_range_port_names_the_expose_entry() {
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("8080", "70000")))
                .hasMessageContaining("d.yaml:10:15: services.web.expose[0].http: port 70000 is not between 1 and 65535");
    }

    @Test
    void stop_grace_is_read_in_seconds_or_minutes_and_defaults_to_ten_seconds() throws TemplateException {
        assertThat(parser.parse("d.yaml", GOOD).services().get(0).stopGraceSeconds()).isEqualTo(10);
        assertThat(parser.parse("d.yaml", GOOD.replace("    env:", "    stop_grace: 30s\n    env:")).services().get(0)
                .stopGraceSeconds()).isEqualTo(30);
        assertThat(parser.parse("d.yaml", GOOD.replace("    env:", "    stop_grace: 2m\n    env:")).services().get(0)
                .stopGraceSeconds()).isEqualTo(120);
        assertThat(parser.parse("d.yaml", GOOD.replace("    env:", "    stop_grace: 10m\n    env:")).services().get(0)
                .stopGraceSeconds()).isEqualTo(600);
    }

    @Test
    void idle_cpu_below_is_read_in_cores_and_needs_an_idle_timeout() throws TemplateException {
        String idle = GOOD.replace("description: A page.", "description: A page.\nidle_timeout: 2h");
        assertThat(parser.parse("d.yaml", GOOD).idleCpuBelow()).isNull();
        assertThat(parser.parse("d.yaml", idle.replace("idle_timeout: 2h", "idle_timeout: 2h\nidle_cpu_below: 0.02"))
                .idleCpuBelow()).isEqualTo(0.02);
        assertThatThrownBy(() -> parser.parse("d.yaml", idle.replace("idle_timeout: 2h",
                "idle_timeout: 2h\nidle_cpu_below: lots"))).hasMessageContaining("d.yaml:5")
                .hasMessageContaining("not a number of CPU cores");
        assertThatThrownBy(() -> parser.parse("d.yaml", idle.replace("idle_timeout: 2h",
                "idle_timeout: 2h\nidle_cpu_below: 0"))).hasMessageContaining("above 0");
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("description: A page.",
                "description: A page.\nidle_cpu_below: 0.02"))).hasMessageContaining("only with idle_timeout");
    }

    @Test
    void a_stop_grace_with_a_bad_unit_names_the_field_and_line() {
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("    env:", "    stop_grace: 30h\n    env:")))
                .hasMessageContaining("d.yaml:8:17: services.web.stop_grace: \"30h\" is not a grace period: write"
                        + " e.g. 30s or 5m");
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("    env:", "    stop_grace: soon\n    env:")))
                .hasMessageContaining("d.yaml:8:17: services.web.stop_grace: \"soon\" is not a grace period");
    }

    @Test
    void a_stop_grace_longer_than_ten_minutes_or_of_zero_is_refused() {
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("    env:", "    stop_grace: 11m\n    env:")))
                .hasMessageContaining("d.yaml:8:17: services.web.stop_grace: must be between 1 s and 10 m");
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("    env:", "    stop_grace: 0s\n    env:")))
                .hasMessageContaining("services.web.stop_grace: must be between 1 s and 10 m");
    }

    @Test
    void the_shipped_sacred_template_gives_its_database_thirty_seconds_to_stop() throws Exception {
        Template t = parser.parse("sacred.yaml", Files.readString(Path.of("templates/sacred.yaml")));
        assertThat(t.services()).filteredOn(s -> s.name().equals("mongo")).singleElement()
                .satisfies(s -> assertThat(s.stopGraceSeconds()).isEqualTo(30));
        assertThat(t.services()).filteredOn(s -> s.name().equals("omniboard")).singleElement()
                .satisfies(s -> assertThat(s.stopGraceSeconds()).isEqualTo(10));
    }

    @Test
    void placement_constraints_are_read_and_a_malformed_one_names_its_line() throws TemplateException {
        String placed = GOOD.replace("    env:", "    placement: [node.labels.disk==local, \"node.role != manager\"]\n    env:");
        assertThat(parser.parse("d.yaml", placed).services().get(0).placement())
                .containsExactly("node.labels.disk==local", "node.role != manager");

        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("    env:", "    placement:\n      - node.role==worker\n      - disk=local\n    env:")))
                .hasMessageContaining("d.yaml:10:9")
                .hasMessageContaining("\"disk=local\" is not a placement constraint");
    }

    @Test
    void a_name_that_cannot_be_a_url_segment_is_refused() {
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("name: demo", "name: ../x")))
                .hasMessageContaining("d.yaml:1:7: name: \"../x\" is not a template name");
        assertThatThrownBy(() -> parser.parse("d.yaml", GOOD.replace("  web:", "  Web_1:")))
                .hasMessageContaining("services.Web_1");
    }

    @Test
    void not_yaml_at_all_is_refused_with_the_line() {
        assertThatThrownBy(() -> parser.parse("d.yaml", "name: [\n  x")).hasMessageStartingWith("d.yaml:");
    }

    @Test
    void the_catalog_serves_good_files_and_reports_broken_ones(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("demo.yaml"), GOOD);
        Files.writeString(dir.resolve("broken.yaml"), "name: broken\n");
        Catalog catalog = new Catalog(dir);
        assertThat(catalog.snapshot().templates()).containsOnlyKeys("demo");
        assertThat(catalog.snapshot().errors()).singleElement().asString().startsWith("broken.yaml");

        Files.writeString(dir.resolve("second.yaml"), GOOD.replace("name: demo", "name: second"));
        // The folder is listed again at most once a second: the new template shows within that time.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(3).toNanos();
        while (catalog.snapshot().templates().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(catalog.snapshot().templates()).containsOnlyKeys("demo", "second");
    }
}
