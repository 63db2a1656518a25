package io.berth.store;

import io.berth.config.BerthConfig;
import java.util.Arrays;
import java.util.Locale;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.engine.Constants;
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
        String url = h2Url(config.url);
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
        // Future migrations are not ignored, so a database of a newer Berth fails validation; only then is info()
        // asked which (one scan of the migrations and the history on every start instead of two: ~0.1-0.2 s).
        Flyway flyway = Flyway.configure().dataSource(pool).locations(migrations).ignoreMigrationPatterns(new String[0]).load();
        MigrateResult result;
        try {
            result = flyway.migrate();
        } catch (FlywayValidateException e) {
            refuseNewer(flyway, config.url);
            pool.close();
            throw e;
        }
        if (result.migrationsExecuted > 0) {
            LOG.info("database {} migrated to version {}", config.url, result.targetSchemaVersion);
        }
        jdbi = Jdbi.create(pool);
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")) {
            if (url.toUpperCase(Locale.ROOT).matches(".*;WRITE_DELAY=0+(;.*)?")) {
                if (!DurableCommits.install(jdbi)) {
                    LOG.warn("database {}: this H2 ({}) has no file header Berth can correct after a commit; the newest "
                            + "changes may be lost when Berth stops abruptly (see store/H2FileHeader.java; PostgreSQL "
                            + "does not have this problem)", config.url, Constants.FULL_VERSION);
                }
            } else {
                LOG.warn("database {} sets its own WRITE_DELAY: changes answered as done may be lost when Berth or the "
                        + "machine stops abruptly (remove WRITE_DELAY from the URL to keep them)", config.url);
            }
        } else if (url.startsWith("jdbc:postgresql:")) {
            warnIfPostgresMayLoseCommits(config.url);
        }
    }

    /**
     * The H2 URL Berth opens: an H2 file database is created on first use; DB_CLOSE_ON_EXIT=FALSE leaves closing to us
     * (shutdown hook order); WRITE_DELAY=0 makes H2 write a transaction to the file at commit instead of up to 500 ms
     * later (see {@link DurableCommits}). An explicit WRITE_DELAY in the configured URL is kept (for benchmarks).
     */
    static String h2Url(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(Locale.ROOT);
        String more = (upper.contains("DB_CLOSE_ON_EXIT") ? "" : ";DB_CLOSE_ON_EXIT=FALSE")
                + (upper.contains("WRITE_DELAY") || upper.startsWith("JDBC:H2:MEM:") ? "" : ";WRITE_DELAY=0");
        return url + more;
    }

    /**
     * PostgreSQL's defaults ({@code fsync=on}, {@code synchronous_commit=on}) make a commit durable before it returns;
     * a server tuned otherwise loses acknowledged changes on a crash, which Berth cannot fix but says at start.
     */
    private void warnIfPostgresMayLoseCommits(String url) {
        jdbi.useHandle(h -> {
            String fsync = h.createQuery("SHOW fsync").mapTo(String.class).one();
            String commit = h.createQuery("SHOW synchronous_commit").mapTo(String.class).one();
            if (!"on".equals(fsync) || "off".equals(commit)) {
                LOG.warn("database {} runs with fsync={} and synchronous_commit={}: changes answered as done may be "
                        + "lost when the server stops abruptly (set both to on)", url, fsync, commit);
            }
        });
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
