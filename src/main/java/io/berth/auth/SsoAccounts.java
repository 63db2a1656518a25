package io.berth.auth;

import io.berth.auth.oidc.SsoIdentity;
import io.berth.config.BerthConfig;
import io.berth.store.GroupStore;
import io.berth.store.UserStore;
import io.berth.web.BerthException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a checked single sign-on into a Berth user: created on first sign-in, updated at every one (admin rights from
 * {@code admin_groups}, groups from the groups claim, uid/gid). A user is tied to the provider's subject, so a
 * provider account can never take over a local account that merely has the same name.
 */
public final class SsoAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(SsoAccounts.class);

    private final UserStore users;
    private final GroupStore groups;
    private final BerthConfig.Oidc config;

    private final java.util.function.LongConsumer groupsChanged;

    /** @param groupsChanged told the user's id after each sign-in rewrote their groups (caches forget them) */
    public SsoAccounts(UserStore users, GroupStore groups, BerthConfig.Oidc config,
                       java.util.function.LongConsumer groupsChanged) {
        this.groupsChanged = groupsChanged;
        this.users = users;
        this.groups = groups;
        this.config = config;
    }

    public User signIn(SsoIdentity identity) {
        String name = identity.username().trim().toLowerCase(Locale.ROOT);
        if (!Accounts.USERNAME.matcher(name).matches()) {
            throw refused("The user name \"" + identity.username() + "\" (claim " + config.usernameClaim
                    + ") cannot be used in Berth: names are 1-64 lower-case letters, digits and . _ @ -. Ask your"
                    + " facility's support to map another claim (auth.oidc.username_claim).");
        }
        List<String> memberOf = identity.groups().stream().map(SsoAccounts::groupName).flatMap(Optional::stream)
                .distinct().sorted().toList();
        if (!config.allowedGroups.isEmpty() && memberOf.stream().noneMatch(config.allowedGroups::contains)) {
            LOG.info("single sign-on of \"{}\" refused: groups {} are not allowed", name, memberOf);
            throw refused("Your account (" + name + ") is not in a group allowed to use Berth"
                    + (memberOf.isEmpty() ? "" : "; your groups: " + String.join(", ", memberOf))
                    + ". Ask your facility's support to add you to a group that uses Berth.");
        }
        User user;
        try {
            user = findOrCreate(name, identity.subject());
        } catch (JdbiException e) { // two first sign-ins of one person at once: the other one created the row
            user = findOrCreate(name, identity.subject());
        }
        boolean admin = config.adminGroups.isEmpty() ? user.admin()
                : memberOf.stream().anyMatch(config.adminGroups::contains);
        users.updateFromSso(user.id(), identity.subject(), admin, identity.uid(), identity.gid());
        groups.replaceMemberships(user.id(), GroupStore.SSO, memberOf);
        groupsChanged.accept(user.id());
        LOG.info("user \"{}\" signed in through single sign-on (groups {}{})", name, memberOf, admin ? ", admin" : "");
        return new User(user.id(), user.username(), admin, user.passwordHash());
    }

    private User findOrCreate(String name, String subject) {
        Optional<User> bySubject = users.bySubject(subject);
        if (bySubject.isPresent()) {
            if (!bySubject.get().username().equals(name)) {
                LOG.warn("subject {} signed in as \"{}\" but is Berth user \"{}\"; keeping the Berth name", subject,
                        name, bySubject.get().username());
            }
            return bySubject.get();
        }
        Optional<User> byName = users.byName(name);
        if (byName.isEmpty()) {
            return users.createSso(name, subject, false);
        }
        if (byName.get().passwordHash() != null || users.subjectOf(byName.get().id()).isPresent()) {
            throw new BerthException(409, "sso_refused", "Berth already has an account named \"" + name
                    + "\" that is not tied to this sign-in. Log in with its password, or ask an administrator"
                    + " to resolve the clash.", null);
        }
        return byName.get();
    }

    /** A group's name in Berth: Keycloak's path form {@code /lqcd} becomes {@code lqcd}; unusable names are skipped. */
    static Optional<String> groupName(String claimed) {
        String name = claimed.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        if (Accounts.USERNAME.matcher(name).matches()) {
            return Optional.of(name);
        }
        LOG.warn("group \"{}\" from the identity provider has no usable name in Berth; ignored", claimed);
        return Optional.empty();
    }

    private static BerthException refused(String message) {
        return new BerthException(403, "sso_refused", message, null);
    }
}
