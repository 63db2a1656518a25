package io.berth.stacks;

import static io.berth.stacks.StackAccess.Action.CHANGE;
import static io.berth.stacks.StackAccess.Action.MANAGE;
import static io.berth.stacks.StackAccess.Action.OPEN;
import static io.berth.stacks.StackAccess.Action.VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.auth.GroupAccounts;
import io.berth.config.BerthConfig;
import io.berth.config.ConfigException;
import io.berth.model.BerthException;
import io.berth.model.Route;
import io.berth.model.Stack;
import io.berth.model.User;
import io.berth.stacks.StackAccess.Action;
import io.berth.store.Database;
import io.berth.store.GroupStore;
import io.berth.store.ShareStore;
import io.berth.store.StackStore;
import io.berth.store.UserStore;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access policy as a table — caller × kind of stack × action → allowed — on the real store (H2 in a file,
 * migrated as in production). Olga owns the personal stack {@code notes}; the group {@code lab} owns {@code sim}.
 * {@code notes} is shared with Sam and with the group {@code friends} (Gina); {@code sim} with Sam.
 */
class StackAccessTest {
    @TempDir
    Path dir;
    private Database db;
    private StackStore stacks;
    private Sharing sharing;
    private User olga;
    private User mia;
    private User gus;
    private User hal;
    private User sam;
    private User gina;
    private User ada;
    private User sid;
    private Stack notes;
    private Stack sim;

    @BeforeEach
    void open() {
        BerthConfig.Store config = new BerthConfig.Store();
        config.url = "jdbc:h2:file:" + dir.resolve("berth");
        db = new Database(config);
        UserStore users = new UserStore(db.jdbi());
        GroupStore groups = new GroupStore(db.jdbi());
        stacks = new StackStore(db.jdbi());
        olga = users.create("olga", null, false);
        mia = member(users, groups, "mia", "lab");
        gus = member(users, groups, "gus", "lab", "lab-admins");
        hal = member(users, groups, "hal", "lab-admins");
        sam = users.create("sam", null, false);
        gina = member(users, groups, "gina", "friends");
        ada = users.create("ada", null, true);
        sid = member(users, groups, "sid", "other");
        User lab = new GroupAccounts(users).accountOf("lab");
        notes = stacks.create(olga.id(), "notes", "demo", Map.of("web", "path"), Map.of(), Map.of()).orElseThrow();
        sim = stacks.create(lab.id(), "sim", "demo", Map.of("web", "path"), Map.of(), Map.of()).orElseThrow();
        sharing = new Sharing(new ShareStore(db.jdbi()), users, groups);
        sharing.share(notes, ShareStore.USER, "sam");
        sharing.share(notes, ShareStore.GROUP, "friends");
        sharing.share(sim, ShareStore.USER, "sam");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static User member(UserStore users, GroupStore groups, String name, String... of) {
        User user = users.create(name, null, false);
        groups.replaceMemberships(user.id(), GroupStore.SSO, List.of(of));
        return user;
    }

    /** The policy of a Berth with {@code proxy.admin_access} and {@code group_stacks.managed_by} as given. */
    private StackAccess access(boolean adminAccess, String managedBy) {
        return new StackAccess(stacks, sharing, adminAccess, managedBy);
    }

    /** The default Berth: admins do not open others' services, every member manages a group's stacks. */
    private StackAccess byDefault() {
        return access(false, StackAccess.MEMBERS);
    }

    private static Set<Action> allowed(StackAccess access, User caller, Stack stack) {
        Set<Action> allowed = EnumSet.noneOf(Action.class);
        for (Action action : Action.values()) {
            if (access.allows(caller, stack, action)) {
                allowed.add(action);
            }
        }
        return allowed;
    }

    private static Route route(Stack stack) {
        return new Route(stack.owner(), stack.ownerId(), stack.id(), stack.name(), "web", false, stack.state(), null,
                null);
    }

    @Test
    void the_owner_may_do_everything_with_their_stack() {
        assertThat(allowed(byDefault(), olga, notes)).containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
        assertThat(allowed(access(true, StackAccess.GROUP_ADMINS), olga, notes))
                .containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
    }

    @Test
    void a_user_a_stack_is_shared_with_may_open_it_but_not_see_or_change_it() {
        assertThat(allowed(byDefault(), sam, notes)).containsExactly(OPEN);
        assertThat(allowed(byDefault(), sam, sim)).containsExactly(OPEN);
        assertThatThrownBy(() -> byDefault().require(sam, "olga", "notes", VIEW))
                .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> byDefault().require(sam, "olga", "notes", CHANGE))
                .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(byDefault().require(sam, "olga", "notes", OPEN)).isEqualTo(notes);
    }

    @Test
    void a_member_of_a_group_a_stack_is_shared_with_may_open_it_only() {
        assertThat(allowed(byDefault(), gina, notes)).containsExactly(OPEN);
        assertThat(allowed(byDefault(), gina, sim)).isEmpty();
    }

    @Test
    void a_stranger_may_do_nothing_and_is_told_the_stack_does_not_exist() {
        assertThat(allowed(byDefault(), sid, notes)).isEmpty();
        assertThat(allowed(byDefault(), sid, sim)).isEmpty();
        for (Action action : Action.values()) {
            assertThatThrownBy(() -> byDefault().require(sid, "olga", "notes", action))
                    .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessage("You have no stack of that name.");
            assertThatThrownBy(() -> byDefault().require(sid, "olga", "no-such-stack", action))
                    .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessage("You have no stack of that name.");
        }
    }

    @Test
    void nobody_signed_in_may_do_anything() {
        assertThat(allowed(access(true, StackAccess.MEMBERS), null, notes)).isEmpty();
        assertThat(access(true, StackAccess.MEMBERS).mayOpen(null, route(sim))).isFalse();
        assertThat(byDefault().mayLaunchFor(null, "lab")).isFalse();
    }

    @Test
    void an_admin_sees_and_changes_every_stack_but_opens_its_services_only_with_admin_access() {
        assertThat(allowed(byDefault(), ada, notes)).containsExactlyInAnyOrder(VIEW, CHANGE, MANAGE);
        assertThat(allowed(byDefault(), ada, sim)).containsExactlyInAnyOrder(VIEW, CHANGE, MANAGE);
        assertThat(allowed(access(true, StackAccess.MEMBERS), ada, notes))
                .containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
        assertThat(allowed(access(true, StackAccess.GROUP_ADMINS), ada, sim))
                .containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
    }

    @Test
    void when_members_manage_group_stacks_every_member_may_do_everything_with_them() {
        assertThat(allowed(byDefault(), mia, sim)).containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
        assertThat(allowed(byDefault(), gus, sim)).containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
        assertThat(allowed(byDefault(), mia, notes)).as("the group's members, not its stacks' owner's").isEmpty();
    }

    @Test
    void when_group_admins_manage_group_stacks_members_see_and_open_them_and_are_told_why_they_may_not_change_them() {
        StackAccess access = access(false, StackAccess.GROUP_ADMINS);
        assertThat(allowed(access, mia, sim)).containsExactlyInAnyOrder(VIEW, OPEN);
        assertThat(allowed(access, gus, sim)).containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
        for (Action action : List.of(CHANGE, MANAGE)) {
            assertThatThrownBy(() -> access.require(mia, "@lab", "sim", action))
                    .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.status()).isEqualTo(403))
                    .hasMessage("Only the admins of the group lab (members of lab-admins) may stop, start, delete"
                            + " or share its stacks.");
        }
        assertThat(access.require(gus, "@lab", "sim", CHANGE)).isEqualTo(sim);
        assertThat(allowed(access, olga, notes)).as("personal stacks are not affected")
                .containsExactlyInAnyOrder(VIEW, OPEN, CHANGE, MANAGE);
    }

    @Test
    void a_member_of_the_admins_group_alone_is_not_a_member_of_the_group() {
        assertThat(allowed(access(false, StackAccess.GROUP_ADMINS), hal, sim)).isEmpty();
        assertThatThrownBy(() -> access(false, StackAccess.GROUP_ADMINS).require(hal, "@lab", "sim", CHANGE))
                .isInstanceOfSatisfying(BerthException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void only_members_launch_stacks_for_a_group_and_admins_are_no_exception() {
        assertThat(byDefault().mayLaunchFor(mia, "lab")).isTrue();
        assertThat(access(false, StackAccess.GROUP_ADMINS).mayLaunchFor(mia, "lab")).isTrue();
        assertThat(byDefault().mayLaunchFor(hal, "lab")).isFalse();
        assertThat(access(true, StackAccess.MEMBERS).mayLaunchFor(ada, "lab")).isFalse();
    }

    @Test
    void the_proxy_gets_the_same_answer_for_a_route_as_for_its_stack() {
        for (StackAccess access : List.of(byDefault(), access(true, StackAccess.GROUP_ADMINS))) {
            for (User caller : List.of(olga, mia, gus, hal, sam, gina, ada, sid)) {
                for (Stack stack : List.of(notes, sim)) {
                    assertThat(access.mayOpen(caller, route(stack))).as(caller.username() + " on " + stack.ref())
                            .isEqualTo(access.allows(caller, stack, OPEN));
                }
            }
        }
    }

    @Test
    void a_revoked_share_no_longer_opens_the_stack() {
        sharing.revoke(notes, ShareStore.USER, "sam");
        assertThat(allowed(byDefault(), sam, notes)).isEmpty();
        assertThat(allowed(byDefault(), sam, sim)).containsExactly(OPEN);
    }

    @Test
    void managed_by_is_members_or_group_admins() {
        assertThatThrownBy(() -> access(false, "everyone")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("group_stacks.managed_by is members or group_admins");
    }
}
