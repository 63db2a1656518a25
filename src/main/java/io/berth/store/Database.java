package io.berth.store;

import io.berth.config.BerthConfig;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database: the embedded H2 file by default, or PostgreSQL ({@code jdbc:postgresql://…}, for several Berths on
 * one database); a small HikariCP pool, migrated by Flyway on open (H2 from {@code db/migration}, PostgreSQL from
 * its twin {@code db/postgresql}, which differ only in identity columns), queried through Jdbi by the stores.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int MAX_CONNECTIONS = 16;

    private final HikariDataSource pool;
    private final Jdbi jdbi;

    public Database(BerthConfig.Store config) {
        // An H2 file database is created on first use; DB_CLOSE_ON_EXIT=FALSE leaves closing to us (shutdown hook order).
        String url = config.url.startsWith("jdbc:h2:") && !config.url.contains("DB_CLOSE_ON_EXIT")
                ? config.url + ";DB_CLOSE_ON_EXIT=FALSE" : config.url;
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("berth-db");
        hikari.setJdbcUrl(url);
        hikari.setUsername(config.user);
        hikari.setPassword(config.password);
        hikari.setMaximumPoolSize(MAX_CONNECTIONS);
        hikari.setMinimumIdle(2);
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new UnreachableException("cannot open the database " + config.url + ": " + rootMessage(e));
        }
        String migrations = url.startsWith("jdbc:postgresql:") ? "classpath:db/postgresql" : "classpath:db/migration";
        Flyway flyway = Flyway.configure().dataSource(pool).locations(migrations).load();
        refuseNewer(flyway, config.url);
        var result = flyway.migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info("database {} migrated to version {}", config.url, result.targetSchemaVersion);
        }
        jdbi = Jdbi.create(pool);
    }

    /**
     * A database migrated by a newer Berth has tables this one does not know, and this one would write rows the
     * newer one does not expect: refuse it, rather than let Flyway skip the "future" migrations silently.
     */
    private void refuseNewer(Flyway flyway, String url) {
        MigrationInfo[] all = flyway.info().all();
        MigrationInfo known = Arrays.stream(all).filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS
                && m.getState() != MigrationState.FUTURE_FAILED && m.getVersion() != null)
                .reduce((a, b) -> b).orElse(null);
        Arrays.stream(all).filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                        || m.getState() == MigrationState.FUTURE_FAILED)
                .reduce((a, b) -> b).ifPresent(newest -> {
                    pool.close();
                    throw new TooNewException("the database " + url + " was last used by a newer Berth (schema version "
                            + newest.getVersion() + ", \"" + newest.getDescription() + "\"); this Berth knows versions up to "
                            + (known == null ? "none" : known.getVersion()) + ". Run the newer Berth again, or restore a "
                            + "backup taken before the upgrade (berth restore FILE). Nothing was changed.");
                });
    }

    /** The database cannot be reached or opened (wrong URL, server down, wrong password, file locked). */
    public static final class UnreachableException extends RuntimeException {
        UnreachableException(String message) {
            super(message);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /** The database belongs to a newer Berth; the message says what to do. */
    public static final class TooNewException extends RuntimeException {
        TooNewException(String message) {
            super(message);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Answers whether the database takes a query now (for readiness). */
    public boolean answers() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
