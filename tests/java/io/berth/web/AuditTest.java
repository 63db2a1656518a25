package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.audit.Audit;
import io.berth.config.BerthConfig;
import io.berth.store.AuditStore;
import io.berth.store.Database;
import io.berth.testing.BerthInstance;
import io.berth.testing.LoopbackPortal;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit log: what users and Berth did, seen by admins in the page and the API, and never a secret. */
class AuditTest {

    @Test
    void state_changes_are_recorded_with_who_what_target_address_and_result() throws Exception {
        try (LoopbackPortal portal = new LoopbackPortal(null, null, "demo")) {
            PortalClient mallory = new PortalClient(portal.url());
            mallory.get("/login");
            assertThat(mallory.post("/login", Map.of("username", "mallory", "password", "guess-one")).statusCode())
                    .isEqualTo(401);
            String token = portal.alice.createToken("ci", "read launch");
            portal.alice.get("/tokens");
            String tokens = portal.alice.get("/tokens").body();
            String id = tokens.replaceAll("(?s).*action=\"/tokens/(\\d+)/revoke\".*", "$1");
            assertThat(portal.alice.post("/tokens/" + id + "/revoke", Map.of()).statusCode()).isEqualTo(302);
            portal.alice.get("/stacks/alice/lab");
            assertThat(portal.alice.post("/stacks/alice/lab/stop", Map.of()).statusCode()).isEqualTo(302);
            String cli = portal.alice.createToken("cli", "read launch");
            int started = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(portal.url() + "/api/v1/stacks/alice/lab/start"))
                            .header("Authorization", "Bearer " + cli).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                            .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            portal.bob.get("/stacks/bob/nothing");
            portal.bob.post("/stacks/alice/lab/delete", Map.of()); // not his: refused, and recorded as such

            PortalClient admin = new PortalClient(portal.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            String page = admin.get("/admin/audit").body();
            assertThat(page).contains("Audit log");
            assertThat(rows(page)).contains(
                    "admin|user.create|alice|127.0.0.1|302", "admin|user.create|bob|127.0.0.1|302",
                    "alice|login||127.0.0.1|302", "mallory|login||127.0.0.1|401",
                    "alice|stack.launch|alice/lab|127.0.0.1|302", "alice|token.create|ci|127.0.0.1|201",
                    "alice|token.revoke|" + id + "|127.0.0.1|302", "alice|stack.stop|alice/lab|127.0.0.1|302",
                    "bob|stack.delete|alice/lab|127.0.0.1|404", "alice|stack.start|alice/lab|127.0.0.1|" + started);
            assertThat(page).contains("wrong user name or password");

            assertThat(rows(admin.get("/admin/audit?actor=alice").body())).allMatch(r -> r.startsWith("alice|"))
                    .hasSizeGreaterThanOrEqualTo(5);
            assertThat(rows(admin.get("/admin/audit?action=stack.").body())).allMatch(r -> r.contains("|stack."));
            assertThat(admin.get("/admin/audit?since=yesterday").statusCode()).isEqualTo(400);
            assertThat(portal.alice.get("/admin/audit").statusCode()).as("not for users").isEqualTo(404);

            String adminToken = admin.createToken("auditor", "admin");
            RawHttp.Answer api = RawHttp.get(portal.url(), "/api/v1/admin/audit?actor=alice&action=token.",
                    "Authorization: Bearer " + adminToken);
            assertThat(api.status()).isEqualTo(200);
            assertThat(api.body()).contains("\"action\":\"token.revoke\"").contains("\"action\":\"token.create\"")
                    .doesNotContain("stack.stop");
            String table = everyCell(portal.berth.config());
            assertThat(table).contains("token.create").contains("mallory");
            for (String secret : new String[] {token, cli, "guess-one", "alice-password", "bob-password",
                    BerthInstance.ADMIN_PASSWORD, adminToken}) {
                assertThat(page).doesNotContain(secret);
                assertThat(api.body()).doesNotContain(secret);
                assertThat(table).as("the audit table").doesNotContain(secret);
            }
        }
    }

    @Test
    void entries_past_the_retention_are_deleted_and_berths_own_actions_are_recorded() throws Exception {
        Path dir = Files.createTempDirectory("berth-audit-");
        BerthConfig.Store config = new BerthConfig.Store();
        config.url = "jdbc:h2:file:" + dir.resolve("berth");
        try (Database db = new Database(config)) {
            AuditStore store = new AuditStore(db.jdbi());
            Audit audit = new Audit(store, 30);
            store.add(Instant.now().minus(Duration.ofDays(31)), "alice", "stack.launch", "alice/old", "10.0.0.1", 302, null);
            store.add(Instant.now().minus(Duration.ofDays(29)), "alice", "stack.launch", "alice/recent", "10.0.0.1", 302, null);
            audit.record(null, "stack.cull", "alice/lab", null, 0, "no traffic for 2 hours");

            assertThat(audit.sweep()).isEqualTo(1);

            var left = store.find(new AuditStore.Filter(null, null, null, null, null, 100));
            assertThat(left).extracting(AuditStore.Entry::target).containsExactly("alice/lab", "alice/recent");
            assertThat(left.get(0).actor()).isEqualTo("berth");
            assertThat(left.get(0).result()).isZero();
            assertThat(new Audit(store, 0).sweep()).as("0 keeps everything").isZero();
        }
    }

    @Test
    void retention_is_configured_by_audit_retention_days() throws Exception {
        Path file = Files.createTempFile("berth-audit-", ".yaml");
        Files.writeString(file, "audit:\n  retention_days: 30\n");
        var loader = new io.berth.config.ConfigLoader();
        assertThat(loader.load(null, Map.of()).audit.retentionDays).isEqualTo(BerthConfig.AuditLog.DEFAULT_RETENTION_DAYS)
                .isEqualTo(365);
        assertThat(loader.load(file, Map.of()).audit.retentionDays).isEqualTo(30);
        assertThat(loader.load(file, Map.of("BERTH_AUDIT_RETENTION_DAYS", "0")).audit.retentionDays).isZero();
    }

    /** Every stored value of the audit table, read straight from the database Berth writes. */
    private static String everyCell(BerthConfig config) throws Exception {
        StringBuilder out = new StringBuilder();
        try (var c = java.sql.DriverManager.getConnection(config.store.url + ";DB_CLOSE_ON_EXIT=FALSE",
                config.store.user, config.store.password);
             var rs = c.createStatement().executeQuery("SELECT * FROM audit")) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.append(rs.getString(i)).append('|');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** The table's rows as {@code actor|action|target|address|result}. */
    private static java.util.List<String> rows(String page) {
        java.util.List<String> out = new java.util.ArrayList<>();
        var m = java.util.regex.Pattern.compile("(?s)<tr class=\"audit-entry\">(.*?)</tr>").matcher(page);
        while (m.find()) {
            String row = m.group(1);
            out.add(cell(row, "actor") + "|" + cell(row, "action") + "|" + cell(row, "target") + "|"
                    + cell(row, "address") + "|" + cell(row, "result"));
        }
        return out;
    }

    private static String cell(String row, String name) {
        var m = java.util.regex.Pattern.compile("<td class=\"" + name + "\">([^<]*)</td>").matcher(row);
        return m.find() ? m.group(1) : "?";
    }
}
