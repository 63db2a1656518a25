package io.berth.store;

import io.berth.config.BerthConfig;
import org.flywaydb.core.Flyway;
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
        var result = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info("database {} migrated to version {}", config.url, result.targetSchemaVersion);
        }
        jdbi = Jdbi.create(pool);
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
