package io.berth.model;

import java.util.Optional;

/**
 * Whose an account — and so a stack — is: a person's, or a group's. Group stacks belong to the group's account, a
 * user row named {@code @<group>} (see {@code auth.GroupAccounts}), so everything keyed by owner — stack names, routes,
 * container names, quotas — works for groups unchanged. That stored name is the only thing that tells the two kinds
 * apart, and this is the one place that reads it; no sign-in can produce a name starting with {@link #MARK}.
 * Templates name the kinds they may be launched for ({@code owner_kinds}) with the same values.
 */
public enum OwnerKind {
    /** A person who signs in. Their stacks are served under {@code /user/<name>/}. */
    USER("/user/"),
    /** A group's account, which nobody signs in as. Its stacks are served under {@code /group/<group>/}. */
    GROUP("/group/");

    /** What a group account's name starts with. */
    public static final String MARK = "@";

    private final String pathPrefix;

    OwnerKind(String pathPrefix) {
        this.pathPrefix = pathPrefix;
    }

    /** The kind of the account stored as {@code account}. */
    public static OwnerKind of(String account) {
        return account.startsWith(MARK) ? GROUP : USER;
    }

    /** The stored name of a group's account ({@code lqcd} → {@code @lqcd}). */
    public static String groupAccount(String group) {
        return MARK + group;
    }

    /** The kind whose URL space {@code path} is in ({@code /user/…} or {@code /group/…}), if any. */
    public static Optional<OwnerKind> ofPath(String path) {
        for (OwnerKind kind : values()) {
            if (path.startsWith(kind.pathPrefix)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** Where this kind's stacks are served: {@code /user/} or {@code /group/}. */
    public String pathPrefix() {
        return pathPrefix;
    }

    /** How {@code account} (of this kind) is named in URLs: a user by their name, a group by its own. */
    public String nameInPath(String account) {
        return this == GROUP ? account.substring(MARK.length()) : account;
    }

    /**
     * The account a name in this kind's URLs stands for ({@code /group/lqcd/} → {@code @lqcd}); empty for a name
     * that already carries the mark ({@code /user/@lqcd/}, {@code /group/@lqcd/}), which no URL of Berth's has.
     */
    public Optional<String> accountInPath(String name) {
        if (name.startsWith(MARK)) {
            return Optional.empty();
        }
        return Optional.of(this == GROUP ? groupAccount(name) : name);
    }
}
