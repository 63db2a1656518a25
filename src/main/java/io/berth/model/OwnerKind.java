package io.berth.model;

import java.util.Optional;

/**
 * Whose an account — and so a stack — is: a person's, a group's, or the site's. Group stacks belong to the group's
 * account, a user row named {@code @<group>}, and site stacks (services the facility runs once for everyone or some
 * groups) to the one site account {@value #SITE_ACCOUNT} (see {@code auth.GroupAccounts}), so everything keyed by
 * owner — stack names, routes, container names — works for them unchanged. That stored name is the only thing that
 * tells the kinds apart, and this is the one place that reads it; no sign-in can produce a name starting with
 * {@link #MARK} or {@code _} ({@code auth.Names} escapes both at the start; local names start with a letter or
 * digit). Templates name the kinds they may be launched for ({@code owner_kinds}) with the same values.
 */
public enum OwnerKind {
    /** A person who signs in. Their stacks are served under {@code /user/<name>/}. */
    USER("/user/"),
    /** A group's account, which nobody signs in as. Its stacks are served under {@code /group/<group>/}. */
    GROUP("/group/"),
    /** The site's account: its stacks are served under {@code /site/<stack>/}, with no owner in the path. */
    SITE("/site/");

    /** What a group account's name starts with. */
    public static final String MARK = "@";
    /** The stored name of the site's account, which owns every site stack. */
    public static final String SITE_ACCOUNT = "_site";

    private final String pathPrefix;

    OwnerKind(String pathPrefix) {
        this.pathPrefix = pathPrefix;
    }

    /** The kind of the account stored as {@code account}. */
    public static OwnerKind of(String account) {
        return account.startsWith(MARK) ? GROUP : account.equals(SITE_ACCOUNT) ? SITE : USER;
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

    /**
     * How {@code account} (of this kind) is named in URLs: a user by their name, a group by its own; the site account
     * by nothing (its stacks are {@code /site/<stack>/}).
     */
    public String nameInPath(String account) {
        return switch (this) {
            case GROUP -> account.substring(MARK.length());
            case SITE -> "";
            case USER -> account;
        };
    }

    /** The path prefix of {@code account}'s stacks: {@code /user/alice/}, {@code /group/lqcd/} or {@code /site/}. */
    public static String accountPrefix(String account) {
        OwnerKind kind = of(account);
        return kind == SITE ? kind.pathPrefix : kind.pathPrefix + kind.nameInPath(account) + "/";
    }

    /**
     * The account a name in this kind's URLs stands for ({@code /group/lqcd/} → {@code @lqcd}); empty for a name
     * that already carries the mark ({@code /user/@lqcd/}, {@code /group/@lqcd/}) or names the site's account
     * ({@code /user/_site/}), which no URL of Berth's has. Site URLs have no name: always the site's account.
     */
    public Optional<String> accountInPath(String name) {
        if (this == SITE) {
            return Optional.of(SITE_ACCOUNT); // the path has no owner part
        }
        if (name.startsWith(MARK)) {
            return Optional.empty();
        }
        // an account of another kind named in this kind's URLs (/user/_site/…, /group/_site/…) names nothing
        return Optional.of(this == GROUP ? groupAccount(name) : name).filter(account -> of(account) == this);
    }
}
