package io.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.config.BerthConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upgrades: an old database is migrated forward with its rows; a database of a newer Berth is refused untouched. */
class DatabaseVersionTest {
    @TempDir
    Path dir;

    private BerthConfig.Store store() {
        BerthConfig.Store store = new BerthConfig.Store();
        store.url = "jdbc:h2:file:" + dir.resolve("berth").toAbsolutePath();
        return store;
    }

    @Test
    void a_database_of_an_older_berth_is_migrated_forward_and_keeps_its_rows() throws Exception {
        BerthConfig.Store store = store();
        // what a Berth of schema version 4 (API tokens, before single sign-on) left behind
        Flyway.configure().dataSource(store.url, store.user, store.password).locations("classpath:db/migration")
                .target("4").load().migrate();
        sql(store, "INSERT INTO users (username, password_hash, is_admin, created_at) "
                + "VALUES ('alice', 'x', FALSE, CURRENT_TIMESTAMP)");

        try (Database db = new Database(store)) {
            assertThat(new UserStore(db.jdbi()).byName("alice")).isPresent();
            assertThat(new GroupStore(db.jdbi()).groupsOf(new UserStore(db.jdbi()).byName("alice").orElseThrow().id()))
                    .isEmpty(); // a table of version 5 exists and answers
        }
        assertThat(version(store)).isEqualTo(latest());
    }

    @Test
    void a_database_of_a_newer_berth_is_refused_with_what_to_do_and_left_as_it_was() throws Exception {
        BerthConfig.Store store = store();
        new Database(store).close();
        int latest = latest();
        sql(store, "INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\", "
                + "\"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") VALUES (" + (latest + 1)
                + ", '" + (latest + 1) + "', 'workspaces', 'SQL', 'V" + (latest + 1) + "__workspaces.sql', 1, 'sa', 1, TRUE)");

        assertThatThrownBy(() -> new Database(store))
                .isInstanceOf(Database.TooNewException.class)
                .hasMessageContaining("was last used by a newer Berth (schema version " + (latest + 1) + ", \"workspaces\")")
                .hasMessageContaining("knows versions up to " + latest)
                .hasMessageContaining("berth restore");
        assertThat(version(store)).isEqualTo(latest + 1); // untouched, and not left locked (read here)
    }

    private static int latest() {
        return Flyway.configure().dataSource("jdbc:h2:mem:latest" + System.nanoTime(), "sa", "")
                .locations("classpath:db/migration").load().info().all().length;
    }

    private static int version(BerthConfig.Store store) throws Exception {
        try (Connection c = DriverManager.getConnection(store.url, store.user, store.password);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT MAX(CAST(\"version\" AS INT)) FROM \"flyway_schema_history\"")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static void sql(BerthConfig.Store store, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(store.url, store.user, store.password);
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
