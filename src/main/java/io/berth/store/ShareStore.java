package io.berth.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Who a stack is shared with: users and groups, by id, with their names for display. */
public final class ShareStore {
    public static final String USER = "user";
    public static final String GROUP = "group";
    /** A site stack's share with everyone who is signed in (subject 0). */
    public static final String EVERYONE = "everyone";

    /** One share: {@code kind} is {@value #USER}, {@value #GROUP} or {@value #EVERYONE}. */
    public record Share(String kind, long subjectId, String name) { }

    private final Jdbi jdbi;

    public ShareStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public List<Share> of(long stackId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT s.kind, s.subject_id, COALESCE(u.username, g.name, s.kind) AS name"
                        + " FROM shares s LEFT JOIN users u ON s.kind = 'user' AND u.id = s.subject_id"
                        + " LEFT JOIN groups g ON s.kind = 'group' AND g.id = s.subject_id"
                        + " WHERE s.stack_id = :s ORDER BY s.kind DESC, name")
                .bind("s", stackId).map((rs, c) -> new Share(rs.getString("kind"), rs.getLong("subject_id"),
                        rs.getString("name"))).list());
    }

    /** Adds a share; false when it was there already. */
    public boolean add(long stackId, String kind, long subjectId) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO shares (stack_id, kind, subject_id, created_at)"
                        + " SELECT :s, :k, :id, :t WHERE NOT EXISTS (SELECT 1 FROM shares WHERE stack_id = :s"
                        + " AND kind = :k AND subject_id = :id)")
                .bind("s", stackId).bind("k", kind).bind("id", subjectId).bind("t", Instant.now()).execute()) == 1;
    }

    public boolean remove(long stackId, String kind, long subjectId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM shares WHERE stack_id = :s AND kind = :k"
                        + " AND subject_id = :id").bind("s", stackId).bind("k", kind).bind("id", subjectId)
                .execute()) == 1;
    }

    /** Ids of the stacks shared with a user, directly or through one of their groups. */
    public List<Long> sharedWith(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT stack_id FROM shares WHERE (kind = 'user' AND"
                        + " subject_id = :u) OR (kind = 'group' AND subject_id IN"
                        + " (SELECT group_id FROM group_members WHERE user_id = :u)) OR kind = 'everyone'")
                .bind("u", userId).mapTo(Long.class).list());
    }
}
