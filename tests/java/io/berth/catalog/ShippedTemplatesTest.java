package io.berth.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.Health.Kind;
import io.berth.backend.StackSpec.VolumeScope;
import io.berth.model.OwnerKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: each template shipped in templates/ renders, for one known stack, to exactly the containers the
 * real application needs (image, command, env, mounts, limits, health, published ports).
 */
class ShippedTemplatesTest {
    private static final Catalog CATALOG = new Catalog(Path.of("templates"));
    private static final TemplateRenderer RENDERER = new TemplateRenderer(new ImageMap(Map.of()));

    private static Template template(String name) {
        assertThat(CATALOG.snapshot().errors()).isEmpty();
        return CATALOG.find(name).orElseThrow();
    }

    private static TemplateRenderer.Context ctx(String stack, Map<String, String> params, Map<String, String> secrets) {
        return new TemplateRenderer.Context("alice", 100_007, 100_007, null, stack, params, secrets);
    }

    @Test
    void the_catalog_ships_the_mlops_templates_and_the_demo() {
        assertThat(CATALOG.snapshot().templates()).containsKeys("demo", "sacred", "tensorboard", "mlflow", "jupyter");
        assertThat(template("demo").category()).isEqualTo("Demo");
        assertThat(template("demo").title()).startsWith("Demo");
    }

    @Test
    void every_shipped_template_with_data_declares_how_it_is_backed_up() {
        assertThat(template("sacred").backedUp()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("mongo");
            assertThat(s.backup()).isEqualTo(new Template.Backup(List.of(), List.of(), List.of("db"), true, 3600));
        });
        assertThat(template("mlflow").backedUp().get(0).backup().pause()).isTrue();
        assertThat(template("jupyter").backedUp().get(0).backup().volumes()).containsExactly("work");
        assertThat(template("jupyter").backedUp().get(0).backup().pause()).isFalse();
        assertThat(template("tensorboard").backedUp().get(0).backup().volumes()).containsExactly("logs");
        Template.Backup dump = template("postgres-site").backedUp().get(0).backup();
        assertThat(dump.dump()).isTrue();
        assertThat(dump.command().get(2)).contains("pg_dumpall");
        assertThat(dump.restore().get(2)).contains("psql");
        assertThat(template("demo").backedUp()).isEmpty();
    }

    @Test
    void sacred_renders_mongo_with_its_secret_volume_and_port_then_omniboard_connected_to_it() {
        Template t = template("sacred");
        assertThat(t.ownerKinds()).containsExactlyInAnyOrder(OwnerKind.USER, OwnerKind.GROUP);
        StackSpec spec = RENDERER.render(t, ctx("runs", Map.of("db_name", "sacred"), Map.of("mongo_password", "S3cret")));
        assertThat(spec.services()).extracting(StackSpec.ServiceSpec::name).containsExactly("mongo", "omniboard");

        StackSpec.ServiceSpec mongo = spec.services().get(0);
        assertThat(mongo.image()).isEqualTo("mongo:8.0");
        assertThat(mongo.command()).isEmpty();
        assertThat(mongo.env()).containsEntry("MONGO_INITDB_ROOT_USERNAME", "root")
                .containsEntry("MONGO_INITDB_ROOT_PASSWORD", "S3cret");
        assertThat(mongo.volumes()).containsExactly(new StackSpec.Mount("db", VolumeScope.STACK, "/data/db"));
        assertThat(mongo.publish()).containsExactly(27017);
        assertThat(mongo.port()).isZero();
        assertThat(mongo.health()).isEqualTo(new StackSpec.Health(Kind.TCP, 27017, null, 90));
        assertThat(mongo.resources()).isEqualTo(new StackSpec.Resources(1, 1L << 30));

        StackSpec.ServiceSpec omniboard = spec.services().get(1);
        assertThat(omniboard.image()).isEqualTo("vivekratnavel/omniboard:latest");
        assertThat(omniboard.command()).containsExactly("--mu",
                "mongodb://root:S3cret@mongo:27017/sacred?authSource=admin");
        assertThat(omniboard.port()).isEqualTo(9000);
        assertThat(omniboard.env()).containsEntry("BERTH_PREFIX", "/");
        assertThat(t.services().get(1).http().route()).isEqualTo(Template.Expose.Route.HOST);

        Template.Expose tcp = t.services().get(0).expose().get(0);
        var c = ctx("runs", Map.of("db_name", "sacred"), Map.of("mongo_password", "S3cret"));
        assertThat(RENDERER.forClients(tcp.connection(), c, "login1.cluster", 31017))
                .isEqualTo("mongodb://root:S3cret@login1.cluster:31017/?authSource=admin");
        assertThat(RENDERER.forClients(tcp.snippet(), c, "login1.cluster", 31017))
                .contains("MongoObserver(").contains("@login1.cluster:31017/").contains("db_name=\"sacred\"");
    }

    @Test
    void tensorboard_is_told_its_path_prefix_and_reads_the_owners_logs() {
        StackSpec.ServiceSpec tb = RENDERER.render(template("tensorboard"), ctx("tb", Map.of(), Map.of())).services().get(0);
        assertThat(tb.command()).containsExactly("tensorboard", "--logdir", "/logs", "--bind_all", "--port", "6006",
                "--path_prefix", "/user/alice/tb/tensorboard");
        assertThat(tb.volumes()).containsExactly(new StackSpec.Mount("logs", VolumeScope.OWNER, "/logs"));
        assertThat(tb.health()).isEqualTo(new StackSpec.Health(Kind.HTTP, 6006, "/user/alice/tb/tensorboard/", 120));
        assertThat(tb.env()).containsEntry("BERTH_PREFIX", "/user/alice/tb/tensorboard/");
        assertThat(template("tensorboard").idleTimeout()).hasHours(2);
    }

    @Test
    void mlflow_serves_its_ui_under_the_prefix_with_sqlite_and_artifacts_on_its_volume() {
        StackSpec.ServiceSpec m = RENDERER.render(template("mlflow"), ctx("ml", Map.of(), Map.of())).services().get(0);
        assertThat(m.command()).contains("--static-prefix=/user/alice/ml/mlflow",
                "--backend-store-uri=sqlite:////mlflow/mlflow.db", "--artifacts-destination=/mlflow/artifacts");
        assertThat(m.command()).anyMatch(a -> a.startsWith("--allowed-hosts="));
        assertThat(m.volumes()).containsExactly(new StackSpec.Mount("mlruns", VolumeScope.STACK, "/mlflow"));
        assertThat(m.health().path()).isEqualTo("/user/alice/ml/mlflow/health");
    }

    @Test
    void jupyter_gets_its_base_url_and_the_stacks_token_and_the_link_logs_in_at_the_welcome_notebook() {
        Template t = template("jupyter");
        var c = ctx("nb", Map.of("interface", "lab/tree"), Map.of("token", "Tok3n"));
        StackSpec.ServiceSpec j = RENDERER.render(t, c).services().get(0);
        assertThat(j.command()).contains("--ServerApp.base_url=/user/alice/nb/jupyter/", "--IdentityProvider.token=Tok3n",
                "--NotebookApp.base_url=/user/alice/nb/jupyter/", "--NotebookApp.token=Tok3n");
        assertThat(j.health().path()).isEqualTo("/user/alice/nb/jupyter/api");
        assertThat(RENDERER.link(t.services().get(0), c))
                .isEqualTo("/user/alice/nb/jupyter/lab/tree/Welcome.ipynb?token=Tok3n");
        assertThat(j.env().get("WELCOME_NOTEBOOK")).contains("\"nbformat\": 4", "Welcome to your notebook server");
    }

    @Test
    void the_demo_serves_its_page_under_the_prefix_it_is_given() {
        StackSpec.ServiceSpec web = RENDERER.render(template("demo"), ctx("hello", Map.of(), Map.of())).services().get(0);
        assertThat(web.image()).isEqualTo("berth/demo:latest");
        assertThat(web.command()).containsExactly("sh", "-c", "mkdir -p \"/www/user/alice/hello/web\" && cp /index.html"
                + " \"/www/user/alice/hello/web/\" && exec httpd -f -p 8080 -h /www");
        assertThat(web.health()).isEqualTo(new StackSpec.Health(Kind.HTTP, 8080, "/user/alice/hello/web/", 20));
    }

    @Test
    void images_are_mapped_for_sites_without_docker_hub() {
        ImageMap map = new ImageMap(Map.of("mongo:8.0", "registry.site.local/mongo:8.0",
                "docker.io/", "mirror.site.local/", "ghcr.io/mlflow/", "mirror.site.local/mlflow/"));
        assertThat(map.map("mongo:8.0")).isEqualTo("registry.site.local/mongo:8.0");
        assertThat(map.map("mongo:7.0")).isEqualTo("mirror.site.local/library/mongo:7.0");
        assertThat(map.map("vivekratnavel/omniboard:latest")).isEqualTo("mirror.site.local/vivekratnavel/omniboard:latest");
        assertThat(map.map("ghcr.io/mlflow/mlflow:v3.6.0")).isEqualTo("mirror.site.local/mlflow/mlflow:v3.6.0");
        assertThat(map.map("berth/demo:latest")).isEqualTo("mirror.site.local/berth/demo:latest");
        assertThat(new ImageMap(Map.of()).map("berth/demo:latest")).isEqualTo("berth/demo:latest");
        StackSpec spec = new TemplateRenderer(map).render(template("sacred"), ctx("s", Map.of("db_name", "x"),
                Map.of("mongo_password", "p")));
        assertThat(spec.services().get(0).image()).isEqualTo("registry.site.local/mongo:8.0");
        List<String> upstream = template("sacred").images();
        assertThat(upstream).containsExactly("mongo:8.0", "vivekratnavel/omniboard:latest");
    }
}
