package io.berth.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.berth.backend.StackSpec.Health.Kind;
import io.berth.backend.StackSpec.VolumeScope;
import io.berth.model.OwnerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of templates an operator could really get wrong ({@code templates/broken/}, one mistake each) and of
 * valid ones that use many features at once ({@code templates/good/}). Each broken file starts with
 * {@code # expect: LINE:COLUMN substring} (or {@code # expect: - substring} when the message has no position): the
 * parser must refuse it with a message starting {@code file:LINE:COLUMN: } that contains the substring.
 */
class BrokenTemplatesTest {
    private static final Pattern EXPECT = Pattern.compile("# expect: (?:(\\d+):(\\d+)|-) (.+)");
    private static final TemplateParser PARSER = new TemplateParser();

    /**
     * A folder of the corpus: from the source tree (Maven runs tests in the project folder; this also sees files
     * removed since the last build, which stay behind in target/test-classes), else from the test classpath.
     */
    private static Path folder(String name) {
        Path source = Path.of("tests/resources/templates", name);
        if (Files.isDirectory(source)) {
            return source;
        }
        URL url = BrokenTemplatesTest.class.getResource("/templates/" + name);
        try {
            if (url != null && url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no folder templates/" + name + " in tests/resources or on the classpath");
    }

    private static List<Path> files(String folder) {
        try (Stream<Path> s = Files.list(folder(folder))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> brokenFiles() {
        return files("broken").stream().map(p -> p.getFileName().toString()).toList();
    }

    static List<String> goodFiles() {
        return files("good").stream().map(p -> p.getFileName().toString()).toList();
    }

    private static String read(String folder, String file) throws IOException {
        return Files.readString(folder(folder).resolve(file), StandardCharsets.UTF_8);
    }

    private static Template good(String file) throws Exception {
        return PARSER.parse(file, read("good", file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void each_broken_template_is_refused_with_the_line_column_and_message_it_expects(String file) throws IOException {
        String text = read("broken", file);
        Matcher expect = EXPECT.matcher(text.lines().findFirst().orElse(""));
        assertThat(expect.matches()).as("%s starts with \"# expect: LINE:COLUMN message\"", file).isTrue();
        String prefix = expect.group(1) == null ? file + ": " : file + ":" + expect.group(1) + ":" + expect.group(2) + ": ";

        TemplateException e = catchThrowableOfType(TemplateException.class, () -> PARSER.parse(file, text));

        assertThat(e).as("%s must be refused", file).isNotNull();
        assertThat(e.getMessage()).startsWith(prefix).contains(expect.group(3));
    }

    @Test
    void the_corpus_holds_at_least_thirty_broken_templates_and_three_good_ones() {
        assertThat(brokenFiles()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(goodFiles()).hasSizeGreaterThanOrEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFiles")
    void each_good_template_parses_under_the_name_of_its_file(String file) throws Exception {
        Template t = good(file);
        assertThat(t.name() + ".yaml").isEqualTo(file);
        assertThat(t.services()).isNotEmpty();
    }

    @Test
    void services_start_after_the_ones_they_depend_on_whatever_their_order_in_the_file() throws Exception {
        Template workbench = good("ml-workbench.yaml");
        assertThat(workbench.services()).extracting(Template.Service::name)
                .containsExactly("postgres", "mlflow", "notebook");
        assertThat(workbench.services().get(1).dependsOn()).containsExactly("postgres");
        assertThat(workbench.services().get(2).dependsOn()).containsExactly("mlflow", "postgres");

        assertThat(good("experiment-tracking.yaml").services()).extracting(Template.Service::name)
                .containsExactly("mongo", "omniboard");
        assertThat(good("dask-cluster.yaml").services()).extracting(Template.Service::name)
                .containsExactly("scheduler", "worker");
    }

    @Test
    void parameters_of_every_type_keep_their_defaults_and_rules() throws Exception {
        Template t = good("experiment-tracking.yaml");
        assertThat(t.parameters()).extracting(Parameter::name)
                .containsExactly("db_name", "cache_gb", "log_level", "auth", "verbose_ui");

        Parameter db = t.parameter("db_name");
        assertThat(db.type()).isEqualTo(Parameter.Type.STRING);
        assertThat(db.label()).isEqualTo("Database name");
        assertThat(db.defaultValue()).isEqualTo("sacred");
        assertThat(db.regex().pattern()).isEqualTo("[a-z_]{1,32}");
        assertThat(db.maxLength()).isEqualTo(32);

        Parameter cache = t.parameter("cache_gb");
        assertThat(cache.type()).isEqualTo(Parameter.Type.INT);
        assertThat(cache.defaultValue()).isEqualTo("2");
        assertThat(cache.min()).isEqualTo(1L);
        assertThat(cache.max()).isEqualTo(16L);

        Parameter level = t.parameter("log_level");
        assertThat(level.type()).isEqualTo(Parameter.Type.CHOICE);
        assertThat(level.choices()).containsExactly("quiet", "normal", "verbose");
        assertThat(level.defaultValue()).isEqualTo("normal");

        assertThat(t.parameter("auth").type()).isEqualTo(Parameter.Type.BOOL);
        assertThat(t.parameter("auth").defaultValue()).isEqualTo("true");
        assertThat(t.parameter("verbose_ui").defaultValue()).as("a bool without default is false").isEqualTo("false");
        assertThat(t.parameter("verbose_ui").label()).as("the label defaults to the name").isEqualTo("verbose_ui");

        Parameter experiment = good("ml-workbench.yaml").parameter("experiment");
        assertThat(experiment.defaultValue()).isEmpty();
        assertThat(experiment.maxLength()).isEqualTo(Parameter.DEFAULT_MAX_LENGTH);
    }

    @Test
    void volumes_keep_their_scope_and_an_empty_or_bare_volume_is_per_stack() throws Exception {
        assertThat(good("experiment-tracking.yaml").volumes()).containsExactly(
                Map.entry("db", new Template.Volume("db", VolumeScope.STACK)),
                Map.entry("exports", new Template.Volume("exports", VolumeScope.OWNER)));
        assertThat(good("ml-workbench.yaml").volumes()).containsExactly(
                Map.entry("work", new Template.Volume("work", VolumeScope.OWNER)),
                Map.entry("pgdata", new Template.Volume("pgdata", VolumeScope.STACK)),
                Map.entry("artifacts", new Template.Volume("artifacts", VolumeScope.STACK)));
        assertThat(good("dask-cluster.yaml").volumes().get("scratch").scope()).isEqualTo(VolumeScope.STACK);
        assertThat(good("dask-cluster.yaml").services().get(1).mounts()).containsExactly(
                new Template.Mount("scratch", "/scratch"), new Template.Mount("shared", "/shared"));
    }

    @Test
    void top_level_settings_owner_kinds_and_durations_are_read() throws Exception {
        Template tracking = good("experiment-tracking.yaml");
        assertThat(tracking.ownerKinds()).containsExactlyInAnyOrder(OwnerKind.USER, OwnerKind.GROUP);
        assertThat(tracking.idleTimeout()).hasHours(12);
        assertThat(tracking.maxAge()).hasDays(30);
        assertThat(tracking.secrets()).containsExactly("mongo_password");
        assertThat(tracking.description()).isEqualTo("A MongoDB your Sacred observers write to, and Omniboard to browse the runs.");

        Template workbench = good("ml-workbench.yaml");
        assertThat(workbench.ownerKinds()).containsExactly(OwnerKind.GROUP);
        assertThat(workbench.idleTimeout()).hasMinutes(90);
        assertThat(workbench.maxAge()).as("never").isNull();

        Template dask = good("dask-cluster.yaml");
        assertThat(dask.title()).isEqualTo("Dask cluster");
        assertThat(dask.icon()).isNull();
        assertThat(dask.ownerKinds()).containsExactly(OwnerKind.USER);
        assertThat(dask.idleTimeout()).isNull();
    }

    @Test
    void exposed_ports_routes_health_checks_and_resources_are_read() throws Exception {
        Template tracking = good("experiment-tracking.yaml");
        Template.Service mongo = tracking.services().get(0);
        Template.Service omniboard = tracking.services().get(1);
        assertThat(mongo.http()).isNull();
        assertThat(mongo.expose()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Template.Expose.Kind.TCP);
            assertThat(e.port()).isEqualTo(27017);
            assertThat(e.connection()).contains("${tcp.host}:${tcp.port}", "${secret.mongo_password}");
            assertThat(e.snippet()).contains("MongoObserver(", "db_name=\"${param.db_name}\"");
        });
        assertThat(mongo.health()).isEqualTo(new Template.Health(Kind.TCP, 27017, null, 90));
        assertThat(mongo.cpus()).isEqualTo(1.0);
        assertThat(mongo.memoryBytes()).isEqualTo(3L << 29);
        assertThat(mongo.user()).isEqualTo("${user.uid}:${user.gid}");
        assertThat(omniboard.http().route()).isEqualTo(Template.Expose.Route.HOST);
        assertThat(omniboard.health()).isEqualTo(new Template.Health(Kind.HTTP, 9000, "/", 60));
        assertThat(tracking.httpServices()).containsExactly("omniboard");

        Template workbench = good("ml-workbench.yaml");
        Template.Service postgres = workbench.services().get(0);
        Template.Service mlflow = workbench.services().get(1);
        Template.Service notebook = workbench.services().get(2);
        assertThat(postgres.expose()).isEmpty();
        assertThat(postgres.health()).isEqualTo(new Template.Health(Kind.TCP, 5432, null, 0));
        assertThat(mlflow.health()).as("an http check without port uses the http port")
                .isEqualTo(new Template.Health(Kind.HTTP, 5000, "/health", 120));
        assertThat(mlflow.memoryBytes()).isEqualTo(1L << 30);
        assertThat(mlflow.args()).hasSize(3).first().isEqualTo("--workers=${param.mlflow_workers}");
        assertThat(mlflow.http().name()).isEqualTo("MLflow UI");
        assertThat(notebook.http().route()).isEqualTo(Template.Expose.Route.PATH);
        assertThat(notebook.http().open()).isEqualTo("${param.interface}?token=${secret.token}");
        assertThat(notebook.health()).isEqualTo(new Template.Health(Kind.HTTP, 8888, "/api", 120));

        Template dask = good("dask-cluster.yaml");
        Template.Service scheduler = dask.services().get(0);
        assertThat(scheduler.expose()).extracting(Template.Expose::kind)
                .containsExactly(Template.Expose.Kind.TCP, Template.Expose.Kind.HTTP);
        assertThat(scheduler.http().port()).isEqualTo(8787);
        assertThat(scheduler.http().route()).as("path is the default route").isEqualTo(Template.Expose.Route.PATH);
        assertThat(dask.services().get(1).health()).isEqualTo(new Template.Health(Kind.NONE, 0, null, 0));
        assertThat(dask.services().get(1).cpus()).isEqualTo(4.0);
    }

    @Test
    void double_dollars_stay_escaped_in_the_template_and_become_one_dollar_when_resolved() throws Exception {
        Template.Service mongo = good("experiment-tracking.yaml").services().get(0);
        assertThat(mongo.env()).containsEntry("PRICE_TAG", "$$5 per run");
        assertThat(Interpolation.resolve(mongo.env().get("PRICE_TAG"), ref -> "?")).isEqualTo("$5 per run");
        assertThat(Interpolation.references(mongo.command().get(2))).containsExactly("param.cache_gb");

        String shell = good("dask-cluster.yaml").services().get(0).command().get(2);
        assertThat(Interpolation.references(shell)).isEmpty();
        assertThat(Interpolation.resolve(shell, ref -> "?")).startsWith("echo \"scheduler for $USER in $HOME\"");
    }

    @Test
    void a_catalog_of_every_broken_and_good_file_serves_the_good_ones_and_reports_each_broken_one(@TempDir Path dir)
            throws Exception {
        for (String file : brokenFiles()) {
            Files.copy(folder("broken").resolve(file), dir.resolve(file));
        }
        for (String file : goodFiles()) {
            Files.copy(folder("good").resolve(file), dir.resolve(file));
        }
        Catalog catalog = new Catalog(dir);

        assertThatCode(catalog::snapshot).doesNotThrowAnyException();
        Catalog.Snapshot snapshot = catalog.snapshot();

        assertThat(snapshot.templates().keySet()).containsExactlyInAnyOrderElementsOf(
                goodFiles().stream().map(f -> f.substring(0, f.length() - ".yaml".length())).toList());
        assertThat(snapshot.errors()).hasSize(brokenFiles().size());
        for (String file : brokenFiles()) {
            String direct = catchThrowableOfType(TemplateException.class,
                    () -> PARSER.parse(file, read("broken", file))).getMessage();
            assertThat(snapshot.errors()).as("the catalog reports %s as the parser does", file)
                    .containsOnlyOnce(direct)
                    .filteredOn(error -> error.startsWith(file + ":")).hasSize(1);
        }
    }
}
