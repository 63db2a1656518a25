package io.berth.store;

import io.berth.config.BerthConfig;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The database: a small connection pool, migrated by Flyway on open, queried through Jdbi by the stores. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int MAX_CONNECTIONS = 16;

    private final JdbcConnectionPool pool;
    private final Jdbi jdbi;

    public Database(BerthConfig.Store config) {
        // An H2 file database is created on first use; DB_CLOSE_ON_EXIT=FALSE leaves closing to us (shutdown hook order).
        String url = config.url.startsWith("jdbc:h2:") && !config.url.contains("DB_CLOSE_ON_EXIT")
                ? config.url + ";DB_CLOSE_ON_EXIT=FALSE" : config.url;
        pool = JdbcConnectionPool.create(url, config.user, config.password);
        pool.setMaxConnections(MAX_CONNECTIONS);
        Flyway flyway = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load();
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
                    pool.dispose();
                    throw new TooNewException("the database " + url + " was last used by a newer Berth (schema version "
                            + newest.getVersion() + ", \"" + newest.getDescription() + "\"); this Berth knows versions up to "
                            + (known == null ? "none" : known.getVersion()) + ". Run the newer Berth again, or restore a "
                            + "backup taken before the upgrade (berth restore FILE). Nothing was changed.");
                });
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
        pool.dispose();
    }
}
