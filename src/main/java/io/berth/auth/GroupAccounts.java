package io.berth.auth;

import io.berth.store.UserStore;

/**
 * Group stacks belong to a group's account: a user row named {@code @<group>} that nobody can log in as (no password,
 * and no sign-in can produce a name starting with {@code @}). Everything keyed by owner — stack names, routes,
 * container names, quotas — then works for groups unchanged; who may use such a stack is decided by membership.
 * Their URLs are {@code /group/<group>/<stack>/<service>/}.
 */
public final class GroupAccounts {
    public static final String MARK = "@";

    private final UserStore users;

    public GroupAccounts(UserStore users) {
        this.users = users;
    }

    public static boolean isGroup(String owner) {
        return owner.startsWith(MARK);
    }

    /** The group's name for an owner that is a group account ({@code @lqcd} → {@code lqcd}). */
    public static String groupOf(String owner) {
        return owner.substring(MARK.length());
    }

    /** The group's account, created the first time one of its members launches a group stack. */
    public synchronized User accountOf(String group) {
        String name = MARK + group;
        return users.byName(name).orElseGet(() -> users.create(name, null, false));
    }
}
