package io.berth.web;

import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.ApiCalls;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Users under application, on real parts: the shipped postgres-site template on the locally built PostgreSQL, run
 * by the admin for the group lqcd. Each member who opens it gets a role and a database of their own, with a password
 * of their own, and connects with the host's psql through the published port; nobody reaches another's database;
 * those outside lqcd get 404. A provision command that fails, hangs or floods gives its user a plain message and its
 * admins the end of its output, and the portal serves on.
 */
class SiteProvisioningTest {
    private static final Pattern CONNECTION = Pattern.compile("postgresql://([^:]+):([A-Za-z0-9]+)@([^:/]+):(\\d+)/([^\\s<\"]+)");
    private static final String FLAKY = """
            name: flaky
            title: A site service whose accounts cannot be made
            owner_kinds: [site]
            parameters:
              mode: {type: choice, choices: [fail, hang, flood]}
            user_secrets: [password]
            services:
              web:
                image: berth/demo:latest
                command: [nc, -ll, -p, "8080", -e, /echo-headers]
                provision:
                  timeout: 3s
                  command:
                    - sh
                    - -c
                    - >-
                      case ${param.mode} in fail) echo "role ${user.name}: permission denied" >&2; exit 1;;
                      hang) sleep 30;; flood) yes 'a line of noise' | head -c 2000000; exit 3;; esac
                expose: [{http: 8080}]
            """;

    private static BerthInstance berth;
    private static PortalClient admin;
    private static PortalClient alice;
    private static PortalClient bob;
    private static PortalClient carol;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        TestDocker.ensureImages("postgres");
        berth = new BerthInstance();
        berth.template("postgres-site.yaml", Files.readString(Path.of("templates/postgres-site.yaml")));
        berth.template("flaky.yaml", FLAKY);
        berth.start();
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        alice = berth.member(admin, "alice", "lqcd");
        bob = berth.member(admin, "bob", "lqcd");
        carol = berth.member(admin, "carol");

        admin.get("/catalog");
        HttpResponse<String> made = admin.post("/stacks", Map.of("template", "postgres-site", "name", "pg",
                "group", "_site", "audience", "lqcd"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(302);
        assertThat(waitForState(admin, "/stacks/_site/pg", "READY", Duration.ofSeconds(90))).isEqualTo("READY");
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void each_member_gets_a_database_of_their_own_that_nobody_else_reaches() throws Exception {
        Matcher mine = connection(alice.get("/site-services/pg").body());
        assertThat(mine.group(1)).isEqualTo("alice");
        assertThat(mine.group(5)).isEqualTo("alice");
        assertThat(psql(mine.group(), "CREATE TABLE runs (id int); INSERT INTO runs VALUES (1), (2);"
                + " SELECT count(*) FROM runs")).contains("2");

        HttpResponse<String> api = ApiCalls.call(berth.url(), bob.createToken("bob-cli", "read"), "GET",
                "/site/pg/connection", null);
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        Matcher his = connection(api.body());
        assertThat(his.group(1)).isEqualTo("bob");
        assertThat(his.group(2)).isNotEqualTo(mine.group(2));

        String aliceIntoBobs = mine.group().replaceFirst("/alice$", "/bob");
        assertThat(psql(aliceIntoBobs, "SELECT 1")).containsIgnoringCase("permission denied");
        String bobWithAlicesPassword = his.group().replace(his.group(2), mine.group(2));
        assertThat(psql(bobWithAlicesPassword, "SELECT 1")).contains("password authentication failed");

        Matcher again = connection(alice.get("/site-services/pg").body());
        assertThat(again.group()).as("the same account on the next visit").isEqualTo(mine.group());
        assertThat(admin.get("/stacks/_site/pg").body()).contains("data-user=\"alice\"").contains("data-user=\"bob\"")
                .doesNotContain(mine.group(2));
    }

    @Test
    void nobody_outside_the_audience_gets_an_account_or_learns_it_exists() throws Exception {
        assertThat(carol.get("/site-services/pg").statusCode()).isEqualTo(404);
        assertThat(ApiCalls.call(berth.url(), carol.createToken("carol-cli", "read"), "GET", "/site/pg/connection",
                null).statusCode()).isEqualTo(404);
        assertThat(carol.get("/site-services/no-such").statusCode()).isEqualTo(404);
        assertThat(admin.get("/stacks/_site/pg").body()).doesNotContain("data-user=\"carol\"");
    }

    @Test
    void an_admin_removes_an_account_and_the_next_visit_makes_a_new_one() throws Exception {
        PortalClient dora = berth.member(admin, "dora", "lqcd");
        Matcher first = connection(dora.get("/site-services/pg").body());
        assertThat(psql(first.group(), "SELECT 1")).contains("1");

        admin.get("/stacks/_site/pg");
        assertThat(admin.post("/stacks/_site/pg/provisions/dora/deprovision", Map.of()).statusCode()).isEqualTo(302);
        assertThat(psql(first.group(), "SELECT 1")).contains("password authentication failed");

        Matcher second = connection(dora.get("/site-services/pg").body());
        assertThat(second.group(2)).isNotEqualTo(first.group(2));
        assertThat(psql(second.group(), "SELECT 1")).contains("1");
    }

    @Test
    void a_provision_command_that_fails_hangs_or_floods_is_reported_and_berth_serves_on() throws Exception {
        for (String mode : List.of("fail", "hang", "flood")) {
            admin.get("/catalog");
            assertThat(admin.post("/stacks", Map.of("template", "flaky", "name", mode, "group", "_site",
                    "audience", "everyone", "param.mode", mode)).statusCode()).isEqualTo(302);
            assertThat(waitForState(admin, "/stacks/_site/" + mode, "READY", Duration.ofSeconds(30)))
                    .isEqualTo("READY");
        }
        long began = System.nanoTime();
        String token = alice.createToken("alice-cli", "read");
        for (String mode : List.of("fail", "hang", "flood")) {
            HttpResponse<String> r = ApiCalls.call(berth.url(), token, "GET", "/site/" + mode + "/connection", null);
            assertThat(r.statusCode()).as(mode + ": " + r.body()).isEqualTo(502);
            assertThat(r.body()).contains("could not be set up").doesNotContain("permission denied", "noise");
            assertThat(alice.get("/site-services/" + mode).body()).contains("id=\"provision-problem\"");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("the hang is cut at its 3 s, twice")
                .isLessThan(Duration.ofSeconds(30));

        assertThat(admin.get("/stacks/_site/fail").body()).contains("exited with 1")
                .contains("role alice: permission denied");
        assertThat(admin.get("/stacks/_site/hang").body()).contains("did not finish within 3 s");
        String flood = admin.get("/stacks/_site/flood").body();
        assertThat(flood).contains("exited with 3").contains("output cut to its end").contains("a line of noise");
        assertThat(flood.length()).isLessThan(60_000);
        assertThat(alice.get("/dashboard").statusCode()).isEqualTo(200);
    }

    private static Matcher connection(String text) {
        Matcher m = CONNECTION.matcher(text);
        assertThat(m.find()).as("a connection string in: " + text).isTrue();
        return m;
    }

    /** Runs {@code sql} with the host's psql against {@code url}; what it printed, errors included. */
    private static String psql(String url, String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "-X", "-A", "-t", url, "-c", sql).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes());
    }
}
