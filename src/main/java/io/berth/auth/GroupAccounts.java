package io.berth.auth;

import io.berth.model.OwnerKind;
import io.berth.model.User;
import io.berth.store.UserStore;

/**
 * Group stacks belong to a group's account: a user row named {@code @<group>} that nobody can log in as (no password,
 * and no sign-in can produce a name starting with {@code @}). Everything keyed by owner — stack names, routes,
 * container names, quotas — then works for groups unchanged; who may use such a stack is decided by membership.
 * Their URLs are {@code /group/<group>/<stack>/<service>/}. Site stacks belong in the same way to the one site
 * account, {@code /site/<stack>/<service>/}. The naming rule itself is {@link OwnerKind}.
 */
public final class GroupAccounts {
    private final UserStore users;

    public GroupAccounts(UserStore users) {
        this.users = users;
    }

    /** The group's account, created the first time one of its members launches a group stack. */
    public synchronized User accountOf(String group) {
        String name = OwnerKind.groupAccount(group);
        return users.byName(name).orElseGet(() -> users.create(name, null, false));
    }

    /** The site's account ({@value OwnerKind#SITE_ACCOUNT}), which owns every site stack; made when first needed. */
    public synchronized User siteAccount() {
        return users.byName(OwnerKind.SITE_ACCOUNT).orElseGet(() -> users.create(OwnerKind.SITE_ACCOUNT, null, false));
    }
}
