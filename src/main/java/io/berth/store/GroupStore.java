package io.berth.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Groups and who is in them. Memberships have a source: {@code sso} ones are replaced at every sign-on from the
 * identity provider's groups claim, so a user removed from a group there loses it here at their next login.
 */
public final class GroupStore {
    public static final String SSO = "sso";

    private final Jdbi jdbi;

    public GroupStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Names of the groups a user belongs to, sorted. */
    public List<String> groupsOf(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT g.name FROM groups g JOIN group_members m ON m.group_id = g.id"
                + " WHERE m.user_id = :u ORDER BY g.name").bind("u", userId).mapTo(String.class).list());
    }

    /** A group's id by name. */
    public java.util.Optional<Long> idOf(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM groups WHERE name = :n").bind("n", name)
                .mapTo(Long.class).findOne());
    }

    /** Ids of the groups a user belongs to. */
    public java.util.Set<Long> groupIdsOf(long userId) {
        return new java.util.HashSet<>(jdbi.withHandle(h -> h.createQuery(
                "SELECT group_id FROM group_members WHERE user_id = :u").bind("u", userId).mapTo(Long.class).list()));
    }

    /** Every group with its members' user names, both sorted. */
    public java.util.Map<String, List<String>> all() {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT g.name AS g, u.username AS u FROM groups g"
                        + " LEFT JOIN group_members m ON m.group_id = g.id LEFT JOIN users u ON u.id = m.user_id"
                        + " ORDER BY g.name, u.username")
                .map((rs, c) -> java.util.Map.entry(rs.getString("g"), java.util.Optional.ofNullable(rs.getString("u"))))
                .forEach(e -> {
                    List<String> members = out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>());
                    e.getValue().ifPresent(members::add);
                }));
        return out;
    }

    /** Makes {@code names} the user's memberships from {@code source}, creating groups that do not exist yet. */
    public void replaceMemberships(long userId, String source, Collection<String> names) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM group_members WHERE user_id = :u AND source = :s")
                    .bind("u", userId).bind("s", source).execute();
            for (String name : names) {
                h.createUpdate("INSERT INTO groups (name, created_at) SELECT :n, :t WHERE NOT EXISTS"
                        + " (SELECT 1 FROM groups WHERE name = :n)").bind("n", name).bind("t", Instant.now()).execute();
                h.createUpdate("INSERT INTO group_members (group_id, user_id, source) SELECT id, :u, :s FROM groups g"
                        + " WHERE name = :n AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id"
                        + " AND m.user_id = :u)").bind("n", name).bind("u", userId).bind("s", source).execute();
            }
        });
    }
}
