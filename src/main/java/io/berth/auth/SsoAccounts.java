package io.berth.auth;

import io.berth.config.Oidc;
import io.berth.model.BerthException;
import io.berth.model.User;
import io.berth.store.GroupStore;
import io.berth.store.UserStore;
import java.util.List;
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
    private final Oidc config;
    private final java.util.Set<String> allowed;
    private final java.util.Set<String> admins;

    private final java.util.function.LongConsumer groupsChanged;

    /** @param groupsChanged told the user's id after each sign-in rewrote their groups (caches forget them) */
    public SsoAccounts(UserStore users, GroupStore groups, Oidc config,
                       java.util.function.LongConsumer groupsChanged) {
        this.groupsChanged = groupsChanged;
        this.users = users;
        this.groups = groups;
        this.config = config;
        this.allowed = keys(config.allowedGroups);
        this.admins = keys(config.adminGroups);
    }

    /**
     * The Berth user of a checked sign-in: the claimed name is folded and escaped into the account's key
     * ({@link Names}), its spelling kept for display; refused (403) outside {@code allowed_groups}, and (409) when
     * the key belongs to another account.
     */
    public User signIn(SsoIdentity identity) {
        String spelled = identity.username().strip();
        String name = Names.key(spelled);
        if (spelled.chars().anyMatch(Character::isISOControl)) {
            throw refused("The user name sent by the sign-in service (claim " + config.usernameClaim + ") holds"
                    + " control characters, so Berth cannot use it. Ask your facility's support to check it.");
        }
        if (name.length() > Names.MAX_KEY) {
            throw refused("The user name \"" + spelled + "\" (claim " + config.usernameClaim + ") is too long for"
                    + " Berth (its URL form would exceed " + Names.MAX_KEY + " characters). Ask your facility's"
                    + " support to map a shorter claim (auth.oidc.username_claim).");
        }
        List<String> memberOf = identity.groups().stream().map(SsoAccounts::groupName).flatMap(Optional::stream)
                .distinct().sorted().toList();
        if (!config.allowedGroups.isEmpty() && memberOf.stream().noneMatch(allowed::contains)) {
            LOG.info("single sign-on of \"{}\" refused: groups {} are not allowed", name, memberOf);
            throw refused("Your account (" + spelled + ") is not in a group allowed to use Berth"
                    + (memberOf.isEmpty() ? "" : "; your groups: " + memberOf.stream().map(Names::unescape)
                    .collect(java.util.stream.Collectors.joining(", ")))
                    + ". Ask your facility's support to add you to a group that uses Berth.");
        }
        User user;
        try {
            user = findOrCreate(name, spelled, identity.subject());
        } catch (JdbiException e) { // two first sign-ins of one person at once: the other one created the row
            user = findOrCreate(name, spelled, identity.subject());
        }
        boolean admin = config.adminGroups.isEmpty() ? user.admin()
                : memberOf.stream().anyMatch(admins::contains);
        users.updateFromSso(user.id(), identity.subject(), spelled, admin, identity.uid(), identity.gid(),
                identity.email());
        groups.replaceMemberships(user.id(), GroupStore.SSO, memberOf);
        groupsChanged.accept(user.id());
        LOG.info("user \"{}\" signed in through single sign-on (groups {}{})", user.username(), memberOf,
                admin ? ", admin" : "");
        return new User(user.id(), user.username(), admin, user.passwordHash(), spelled, identity.email());
    }

    /**
     * A re-check during a session with the groups the provider holds now: memberships and admin rights are
     * updated; returns why the user may no longer use Berth (outside {@code allowed_groups}), or empty.
     */
    public Optional<String> recheck(long userId, List<String> claimedGroups) {
        List<String> memberOf = claimedGroups.stream().map(SsoAccounts::groupName).flatMap(Optional::stream)
                .distinct().sorted().toList();
        if (!config.allowedGroups.isEmpty() && memberOf.stream().noneMatch(allowed::contains)) {
            return Optional.of("no longer in a group allowed to use Berth (groups " + memberOf + ")");
        }
        if (!config.adminGroups.isEmpty()) {
            users.setAdmin(userId, memberOf.stream().anyMatch(admins::contains));
        }
        groups.replaceMemberships(userId, GroupStore.SSO, memberOf);
        groupsChanged.accept(userId);
        return Optional.empty();
    }

    private User findOrCreate(String name, String spelled, String subject) {
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
            return users.createSso(name, spelled, subject, false);
        }
        if (byName.get().passwordHash() != null || users.subjectOf(byName.get().id()).isPresent()) {
            User other = byName.get();
            LOG.warn("single sign-on as \"{}\" refused: Berth account \"{}\" belongs to another sign-in or a"
                    + " password", name, other.username());
            throw new BerthException(409, "sso_refused", "You signed in as \"" + spelled + "\", which is the same"
                    + " Berth account as \"" + other.shownName() + "\" (" + (other.passwordHash() != null
                    ? "a Berth account with a password" : "another account of the sign-in service") + "): Berth does"
                    + " not tell upper and lower case apart in names. So nobody was signed in. Ask an administrator"
                    + " to resolve the clash.", null);
        }
        return byName.get();
    }

    /**
     * A group's key in Berth ({@link Names#key}): Keycloak's path form {@code /lqcd} becomes {@code lqcd},
     * {@code /Physics/LQCD} becomes the key of {@code physics/lqcd}; blank or over-long names are skipped.
     */
    static Optional<String> groupName(String claimed) {
        String name = claimed.strip();
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        String key = Names.key(name);
        if (!key.isEmpty() && key.length() <= Names.MAX_KEY && name.chars().noneMatch(Character::isISOControl)) {
            return Optional.of(key);
        }
        LOG.warn("group \"{}\" from the identity provider has no usable name in Berth; ignored",
                Names.escape(claimed));
        return Optional.empty();
    }

    /** The configured group names as keys, so {@code allowed_groups: [LQCD]} matches a claimed {@code lqcd}. */
    private static java.util.Set<String> keys(List<String> configured) {
        return configured.stream().map(Names::key).collect(java.util.stream.Collectors.toSet());
    }

    private static BerthException refused(String message) {
        return new BerthException(403, "sso_refused", message, null);
    }
}
