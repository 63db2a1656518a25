package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.model.User;
import io.berth.store.Database;
import io.berth.store.SessionStore;
import io.berth.store.UserStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {
    @TempDir
    Path dir;
    private Database db;
    private UserStore users;
    private Accounts accounts;

    @BeforeEach
    void open() {
        BerthConfig.Store config = new BerthConfig.Store();
        config.url = "jdbc:h2:file:" + dir.resolve("berth");
        db = new Database(config);
        users = new UserStore(db.jdbi());
        accounts = new Accounts(users);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Sessions sessions(int idleMinutes) {
        BerthConfig.Auth auth = new BerthConfig.Auth();
        auth.sessionIdleMinutes = idleMinutes;
        return new Sessions(new SessionStore(db.jdbi()), users, auth);
    }

    @Test
    void a_session_started_before_a_restart_is_still_valid_after_it() {
        User alice = accounts.create("alice", "correct horse", false);
        String cookie = sessions(60).start(alice);
        // A new Sessions (fresh cache) over the same database: what a restarted Berth sees.
        assertThat(sessions(60).resolve(cookie)).hasValueSatisfying(s -> assertThat(s.user().username()).isEqualTo("alice"));
    }

    @Test
    void a_session_idle_past_its_limit_is_gone() {
        User alice = accounts.create("alice", "correct horse", false);
        Sessions zeroIdle = sessions(0);
        String cookie = zeroIdle.start(alice);
        assertThat(zeroIdle.resolve(cookie)).isEmpty();
    }

    @Test
    void forged_or_ended_cookies_resolve_to_nobody() {
        User alice = accounts.create("alice", "correct horse", false);
        Sessions sessions = sessions(60);
        String cookie = sessions.start(alice);
        assertThat(sessions.resolve(cookie.substring(1) + "A")).isEmpty();
        assertThat(sessions.resolve("")).isEmpty();
        assertThat(sessions.resolve(null)).isEmpty();
        sessions.end(cookie);
        assertThat(sessions.resolve(cookie)).isEmpty();
    }

    @Test
    void passwords_are_stored_hashed_and_checked() {
        accounts.create("Alice.Smith@lab", "correct horse", false);
        User stored = users.byName("alice.smith@lab").orElseThrow();
        assertThat(stored.passwordHash()).startsWith("$argon2").doesNotContain("correct horse");
        assertThat(accounts.authenticate("alice.smith@lab", "correct horse")).isPresent();
        assertThat(accounts.authenticate("alice.smith@lab", "wrong horse")).isEmpty();
        assertThat(accounts.authenticate("nobody", "correct horse")).isEmpty();
    }

    @Test
    void the_first_start_creates_one_admin_with_the_preset_password() {
        accounts.ensureAdmin("preset-password");
        accounts.ensureAdmin("another-password");
        assertThat(accounts.authenticate("admin", "preset-password")).hasValueSatisfying(u -> assertThat(u.admin()).isTrue());
        assertThat(accounts.authenticate("admin", "another-password")).isEmpty();
    }
}
