package io.berth.stacks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.berth.auth.Names;
import io.berth.model.BerthException;
import io.berth.model.OwnerKind;
import io.berth.model.Stack;
import io.berth.store.GroupStore;
import io.berth.store.ShareStore;
import io.berth.store.UserStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Sharing a stack with users and groups, and who is in which group: the facts {@link StackAccess} decides on (users
 * a stack is shared with may open its services through the proxy, not manage it). A site stack's audience is its
 * shares: groups, or everyone who is signed in ({@link ShareStore#EVERYONE}, for site stacks only). Asked on every
 * proxied request, so answered from caches; a revocation clears the stack's entry at once and tells the proxy
 * ({@link #onRevoked}), which closes the WebSockets the revoked user still has open.
 */
public final class Sharing {
    private final ShareStore store;
    private final UserStore users;
    private final GroupStore groups;
    private final LoadingCache<Long, List<ShareStore.Share>> byStack;
    /** Group memberships change at sign-in: a user's groups are re-read at most 30 s later. */
    private final LoadingCache<Long, Set<Long>> groupsOfUser;
    /** Names of each user's groups, for group stacks; re-read at most 30 s after a sign-in changed them. */
    private final LoadingCache<Long, List<String>> groupNames;
    private volatile LongConsumer onRevoked = stackId -> { };

    public Sharing(ShareStore store, UserStore users, GroupStore groups) {
        this.store = store;
        this.users = users;
        this.groups = groups;
        this.byStack = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(5))
                .build(store::of);
        this.groupsOfUser = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(30))
                .build(groups::groupIdsOf);
        this.groupNames = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(30))
                .build(groups::groupsOf);
    }

    /** Called with a stack's id after one of its shares was revoked. */
    public void onRevoked(LongConsumer listener) {
        this.onRevoked = listener;
    }

    /** Whether the user is a member of the group (re-read at most 30 s after a sign-in changed it). */
    public boolean memberOf(long userId, String group) {
        return groupNames.get(userId).contains(group);
    }

    /** Forgets what is cached of a user's groups (they just signed in with new ones). */
    public void forget(long userId) {
        groupsOfUser.invalidate(userId);
        groupNames.invalidate(userId);
    }

    /** The groups a user belongs to. */
    public List<String> groupsOf(long userId) {
        return groupNames.get(userId);
    }

    /** Whether the stack is shared with the user, directly or through one of their groups. */
    public boolean isSharedWith(long stackId, long userId) {
        List<ShareStore.Share> shares = byStack.get(stackId);
        if (shares.isEmpty()) {
            return false;
        }
        if (shares.stream().anyMatch(s -> s.kind().equals(ShareStore.EVERYONE))) {
            return true;
        }
        Set<Long> groups = groupsOfUser.get(userId);
        return shares.stream().anyMatch(s -> s.kind().equals(ShareStore.USER) ? s.subjectId() == userId
                : groups.contains(s.subjectId()));
    }

    public List<ShareStore.Share> of(Stack stack) {
        return byStack.get(stack.id());
    }

    /** Ids of the stacks shared with a user (for their dashboard). */
    public List<Long> sharedWith(long userId) {
        return store.sharedWith(userId);
    }

    public void share(Stack stack, String kind, String name) {
        if (ShareStore.EVERYONE.equals(kind) && OwnerKind.of(stack.owner()) != OwnerKind.SITE) {
            throw BerthException.badRequest("kind", "Only site services are shared with everyone; share this stack"
                    + " with users or groups.");
        }
        long subject = subject(kind, name);
        if (kind.equals(ShareStore.USER) && subject == stack.ownerId()) {
            throw BerthException.badRequest("name", "The stack is yours already.");
        }
        if (!store.add(stack.id(), kind, subject)) {
            throw BerthException.conflict("name", ShareStore.EVERYONE.equals(kind)
                    ? "The stack is shared with everyone already."
                    : "The stack is shared with " + kind + " \"" + name + "\" already.");
        }
        byStack.invalidate(stack.id());
    }

    public void revoke(Stack stack, String kind, String name) {
        long subject = subject(kind, name);
        if (!store.remove(stack.id(), kind, subject)) {
            throw BerthException.notFound(ShareStore.EVERYONE.equals(kind) ? "The stack is not shared with everyone."
                    : "The stack is not shared with " + kind + " \"" + name + "\".");
        }
        byStack.invalidate(stack.id());
        onRevoked.accept(stack.id());
    }

    /** Refuses (400, field {@code audience}) an audience that names a group Berth does not know. */
    public void check(SiteAudience audience) {
        for (String group : audience.groups()) {
            if (groups.idOf(group).isEmpty()) {
                throw BerthException.badRequest("audience", "There is no group \"" + group + "\" (groups are known"
                        + " once one of their members has signed in).");
            }
        }
    }

    /** Shares a site stack with its audience (checked with {@link #check}). */
    public void grant(Stack stack, SiteAudience audience) {
        if (audience.everyone()) {
            share(stack, ShareStore.EVERYONE, null);
        }
        audience.groups().forEach(group -> share(stack, ShareStore.GROUP, group));
    }

    private long subject(String kind, String name) {
        String n = name == null ? "" : Names.key(name);
        if (ShareStore.USER.equals(kind)) {
            return users.byName(n).orElseThrow(() -> BerthException.badRequest("name", "There is no user \"" + n + "\"."))
                    .id();
        }
        if (ShareStore.GROUP.equals(kind)) {
            return groups.idOf(n).orElseThrow(() -> BerthException.badRequest("name", "There is no group \"" + n
                    + "\"."));
        }
        if (ShareStore.EVERYONE.equals(kind)) {
            return 0;
        }
        throw BerthException.badRequest("kind", "Share with a \"user\", a \"group\" or (a site service)"
                + " \"everyone\".");
    }
}
