package io.berth.model;

/**
 * How a group's account is named: {@code @<group>}. Group stacks belong to such an account (see
 * {@code auth.GroupAccounts}), so everything keyed by owner — stack names, routes, container names, quotas — works
 * for groups unchanged; this is the one place that tells the two kinds of owner apart by name. No sign-in can produce
 * a name starting with {@link #MARK}.
 */
public final class GroupNames {
    public static final String MARK = "@";

    private GroupNames() { }

    public static boolean isGroup(String owner) {
        return owner.startsWith(MARK);
    }

    /** The group's name for an owner that is a group account ({@code @lqcd} → {@code lqcd}). */
    public static String groupOf(String owner) {
        return owner.substring(MARK.length());
    }
}
