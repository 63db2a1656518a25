package io.berth.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The backups of users' stacks ({@code stack_backups}): one row per backup file. A row is {@link #RUNNING} from before
 * its file is begun until it is {@link #DONE} or {@link #FAILED}; only DONE rows name a complete file.
 */
public final class StackBackupStore {
    public static final String RUNNING = "RUNNING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    /**
     * One backup: {@code file} is relative to {@code backups.dir}; {@code reason} says what asked for it
     * ({@code manual}, {@code schedule}, {@code before-restore}); {@code stackId} is null once its stack is deleted.
     */
    public record Row(long id, Long stackId, String owner, String stackName, String template, String file,
                      String reason, String state, Instant startedAt, Instant finishedAt, Long bytes, String output) {
        public boolean done() {
            return DONE.equals(state);
        }
    }

    private final Jdbi jdbi;

    public StackBackupStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records a backup that begins now (RUNNING); {@code file} gets the row's id through {@code fileFor}. */
    public Row begin(Long stackId, String owner, String stackName, String template, String reason,
                     java.util.function.LongFunction<String> fileFor) {
        return jdbi.inTransaction(h -> {
            Instant now = Instant.now();
            long id = h.createUpdate("INSERT INTO stack_backups (stack_id, owner, stack_name, template, file, reason,"
                            + " state, started_at) VALUES (:s, :o, :n, :t, '', :r, 'RUNNING', :at)")
                    .bind("s", stackId).bind("o", owner).bind("n", stackName).bind("t", template).bind("r", reason)
                    .bind("at", now).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            String file = fileFor.apply(id);
            h.createUpdate("UPDATE stack_backups SET file = :f WHERE id = :id").bind("f", file).bind("id", id)
                    .execute();
            return new Row(id, stackId, owner, stackName, template, file, reason, RUNNING, now, null, null, null);
        });
    }

    /** Records a backup's outcome: DONE with its size, or FAILED with the end of its output. */
    public void finish(long id, String state, Long bytes, String output) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE stack_backups SET state = :st, bytes = :b, output = :o,"
                        + " finished_at = :t WHERE id = :id")
                .bind("st", state).bind("b", bytes).bind("o", output).bind("t", Instant.now()).bind("id", id)
                .execute());
    }

    public Optional<Row> find(long id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE id = :id").bind("id", id).map(ROW).findOne());
    }

    /** The backups of one owner's stack of that name (also of a deleted one), newest first. */
    public List<Row> of(String owner, String stackName) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE owner = :o AND stack_name = :n"
                        + " ORDER BY started_at DESC, id DESC").bind("o", owner).bind("n", stackName).map(ROW).list());
    }

    /** Every row in a state (start-up finds RUNNING rows left by a Berth that died). */
    public List<Row> inState(String state) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE state = :st ORDER BY id").bind("st", state)
                .map(ROW).list());
    }

    /** DONE rows of deleted stacks finished before {@code before} (for {@code backups.keep_deleted_days}). */
    public List<Row> orphanedBefore(Instant before) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE stack_id IS NULL AND started_at < :b")
                .bind("b", before).map(ROW).list());
    }

    /** An owner's finished backups of stacks deleted since, newest first. */
    public List<Row> ofDeleted(String owner) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE owner = :o AND stack_id IS NULL AND state = 'DONE'"
                + " ORDER BY started_at DESC, id DESC").bind("o", owner).map(ROW).list());
    }

    /** What one owner's backups hold: finished ones, their bytes, failed rows kept. */
    public record OwnerTotal(String owner, long done, long bytes, long failed) { }

    /** Every owner's backups in sum, largest first (the admins' overview). */
    public List<OwnerTotal> totals() {
        return jdbi.withHandle(h -> h.createQuery("SELECT owner, SUM(CASE WHEN state = 'DONE' THEN 1 ELSE 0 END) AS d,"
                        + " COALESCE(SUM(CASE WHEN state = 'DONE' THEN bytes ELSE 0 END), 0) AS b,"
                        + " SUM(CASE WHEN state = 'FAILED' THEN 1 ELSE 0 END) AS f FROM stack_backups GROUP BY owner"
                        + " ORDER BY b DESC, owner")
                .map((rs, c) -> new OwnerTotal(rs.getString("owner"), rs.getLong("d"), rs.getLong("b"), rs.getLong("f")))
                .list());
    }

    /** The newest rows in a state, at most {@code limit} (the admins' overview of failures and running ones). */
    public List<Row> latest(String state, int limit) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE state = :st ORDER BY started_at DESC, id DESC"
                + " LIMIT :n").bind("st", state).bind("n", limit).map(ROW).list());
    }

    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM stack_backups WHERE id = :id").bind("id", id).execute());
    }

    /** Bytes of DONE backups an owner holds, all stacks together. */
    public long bytesOf(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(bytes), 0) FROM stack_backups"
                + " WHERE owner = :o AND state = 'DONE'").bind("o", owner).mapTo(Long.class).one());
    }

    /** Bytes of all DONE backups ({@code berth_backup_bytes}). */
    public long bytesTotal() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(bytes), 0) FROM stack_backups"
                + " WHERE state = 'DONE'").mapTo(Long.class).one());
    }

    private static final String SELECT = "SELECT id, stack_id, owner, stack_name, template, file, reason, state,"
            + " started_at, finished_at, bytes, output FROM stack_backups";

    private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getLong("id"),
            rs.getObject("stack_id") == null ? null : rs.getLong("stack_id"), rs.getString("owner"),
            rs.getString("stack_name"), rs.getString("template"), rs.getString("file"), rs.getString("reason"),
            rs.getString("state"), rs.getTimestamp("started_at").toInstant(),
            rs.getTimestamp("finished_at") == null ? null : rs.getTimestamp("finished_at").toInstant(),
            rs.getObject("bytes") == null ? null : rs.getLong("bytes"), rs.getString("output"));
}
