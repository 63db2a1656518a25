package io.berth.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The audit log's rows: appended, read newest first with filters, and deleted past their retention. */
public final class AuditStore {
    /** One entry. {@code result} is the HTTP status of the request, or 0 for Berth's own actions. */
    public record Entry(long id, Instant at, String actor, String action, String target, String address, int result,
                        String detail) { }

    /**
     * What to list: each field null for "any". {@code action} matches as a prefix ({@code stack.} for every stack
     * action); {@code beforeId} pages back from an entry.
     */
    public record Filter(String actor, String action, Instant since, Instant until, Long beforeId, int limit) { }

    private final Jdbi jdbi;

    public AuditStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void add(Instant at, String actor, String action, String target, String address, int result, String detail) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit (at, actor, action, target, address, result, detail)"
                        + " VALUES (:at, :actor, :action, :target, :address, :result, :detail)")
                .bind("at", at).bind("actor", cut(actor, 64)).bind("action", cut(action, 64))
                .bind("target", cut(target, 255)).bind("address", cut(address, 64)).bind("result", result)
                .bind("detail", cut(detail, 1000)).execute());
    }

    public List<Entry> find(Filter f) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit WHERE 1 = 1");
        if (f.actor() != null) {
            sql.append(" AND actor = :actor");
        }
        if (f.action() != null) {
            sql.append(" AND action LIKE :action");
        }
        if (f.since() != null) {
            sql.append(" AND at >= :since");
        }
        if (f.until() != null) {
            sql.append(" AND at < :until");
        }
        if (f.beforeId() != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("limit", Math.max(1, Math.min(f.limit(), 500)));
            if (f.actor() != null) {
                q.bind("actor", f.actor());
            }
            if (f.action() != null) {
                q.bind("action", f.action().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            }
            if (f.since() != null) {
                q.bind("since", f.since());
            }
            if (f.until() != null) {
                q.bind("until", f.until());
            }
            if (f.beforeId() != null) {
                q.bind("before", f.beforeId());
            }
            return q.map((rs, ctx) -> new Entry(rs.getLong("id"),
                    rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
                    rs.getString("action"), rs.getString("target"), rs.getString("address"), rs.getInt("result"),
                    rs.getString("detail"))).list();
        });
    }

    /** Deletes entries older than {@code before}; returns how many. */
    public int deleteOlderThan(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM audit WHERE at < :b").bind("b", before).execute());
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
