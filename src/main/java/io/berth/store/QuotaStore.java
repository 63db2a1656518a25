package io.berth.store;

import io.berth.model.Amounts;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Quota overrides and usage. Usage counts the stacks that hold resources (PENDING, STARTING, READY, STOPPING) with
 * what each took at launch. {@link #lock} serializes admissions: the launches that check and insert inside one
 * transaction holding it can never together pass a limit.
 */
public final class QuotaStore {
    public static final String USER = "user";
    public static final String GROUP = "group";
    private static final String HOLDING = "state IN ('PENDING', 'STARTING', 'READY', 'STOPPING', 'DELETING')";
    private static final String SUMS = "SELECT COUNT(*) AS n, COALESCE(SUM(containers), 0) AS c,"
            + " COALESCE(SUM(cpu_millis), 0) AS cpu, COALESCE(SUM(memory_bytes), 0) AS mem FROM stacks WHERE " + HOLDING;

    /** An admin's override: null fields take the default. */
    public record Override(Integer stacks, Integer containers, Long cpuMillis, Long memoryBytes) {
        public static final Override NONE = new Override(null, null, null, null);
    }

    private final Jdbi jdbi;

    public QuotaStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Waits for, then holds until the transaction ends, the one lock every admission takes. */
    public void lock(Handle h) {
        h.createQuery("SELECT id FROM quota_lock WHERE id = 1 FOR UPDATE").mapTo(Integer.class).one();
    }

    public Amounts usageOfUser(Handle h, long userId) {
        return sums(h, SUMS + " AND owner_id = :u", "u", userId);
    }

    public Amounts usageOfAll(Handle h) {
        return sums(h, SUMS, null, 0);
    }

    public Amounts usageOfAll() {
        return jdbi.withHandle(this::usageOfAll);
    }

    public Amounts usageOfUser(long userId) {
        return jdbi.withHandle(h -> usageOfUser(h, userId));
    }

    /** Usage of every user who holds something, by user id. */
    public Map<Long, Amounts> usageByUser() {
        Map<Long, Amounts> out = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT owner_id, COUNT(*) AS n, COALESCE(SUM(containers), 0) AS c,"
                        + " COALESCE(SUM(cpu_millis), 0) AS cpu, COALESCE(SUM(memory_bytes), 0) AS mem FROM stacks"
                        + " WHERE " + HOLDING + " GROUP BY owner_id")
                .map((rs, c) -> Map.entry(rs.getLong("owner_id"), new Amounts(rs.getLong("n"), rs.getLong("c"),
                        rs.getLong("cpu"), rs.getLong("mem"))))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    private static Amounts sums(Handle h, String sql, String name, long value) {
        var q = h.createQuery(sql);
        if (name != null) {
            q.bind(name, value);
        }
        return q.map((rs, c) -> new Amounts(rs.getLong("n"), rs.getLong("c"), rs.getLong("cpu"), rs.getLong("mem"))).one();
    }

    public Override override(Handle h, String kind, long subjectId) {
        return h.createQuery("SELECT * FROM quotas WHERE kind = :k AND subject_id = :s").bind("k", kind)
                .bind("s", subjectId).map((rs, c) -> new Override((Integer) rs.getObject("stacks"),
                        (Integer) rs.getObject("containers"), nullableLong(rs.getObject("cpu_millis")),
                        nullableLong(rs.getObject("memory_bytes")))).findOne().orElse(Override.NONE);
    }

    public Override override(String kind, long subjectId) {
        return jdbi.withHandle(h -> override(h, kind, subjectId));
    }

    public void setOverride(String kind, long subjectId, Override o) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM quotas WHERE kind = :k AND subject_id = :s").bind("k", kind)
                    .bind("s", subjectId).execute();
            if (!o.equals(Override.NONE)) {
                h.createUpdate("INSERT INTO quotas (kind, subject_id, stacks, containers, cpu_millis, memory_bytes)"
                                + " VALUES (:k, :s, :st, :c, :cpu, :mem)").bind("k", kind).bind("s", subjectId)
                        .bind("st", o.stacks()).bind("c", o.containers()).bind("cpu", o.cpuMillis())
                        .bind("mem", o.memoryBytes()).execute();
            }
        });
    }

    private static Long nullableLong(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    /** Stacks launched before quotas existed took nothing on record: fills in what their templates take. */
    public int backfill(java.util.function.Function<String, Optional<Amounts>> byTemplate) {
        return jdbi.inTransaction(h -> {
            int n = 0;
            for (var row : h.createQuery("SELECT id, template FROM stacks WHERE containers = 0")
                    .map((rs, c) -> Map.entry(rs.getLong("id"), rs.getString("template"))).list()) {
                Optional<Amounts> a = byTemplate.apply(row.getValue());
                if (a.isPresent()) {
                    n += h.createUpdate("UPDATE stacks SET containers = :c, cpu_millis = :cpu, memory_bytes = :mem"
                                    + " WHERE id = :id").bind("c", a.get().containers()).bind("cpu", a.get().cpuMillis())
                            .bind("mem", a.get().memoryBytes()).bind("id", row.getKey()).execute();
                }
            }
            return n;
        });
    }
}
