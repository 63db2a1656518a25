package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.config.BerthConfig;
import io.berth.model.BerthException;
import io.berth.model.User;
import io.berth.store.Database;
import io.berth.store.TokenStore;
import io.berth.store.UserStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API tokens on a real H2 file: what checks out, what does not, and what is kept of the secret. */
class TokensTest {
    @TempDir
    Path dir;
    private Database db;
    private UserStore users;
    private TokenStore store;
    private Tokens tokens;
    private User alice;

    @BeforeEach
    void open() {
        BerthConfig.Store config = new BerthConfig.Store();
        config.url = "jdbc:h2:file:" + dir.resolve("berth");
        db = new Database(config);
        users = new UserStore(db.jdbi());
        alice = new Accounts(users).create("alice", "alice-password", false);
        store = new TokenStore(db.jdbi());
        tokens = new Tokens(store, users);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void a_token_checks_out_with_its_scopes_and_only_its_hash_is_stored() {
        String secret = tokens.create(alice, "ci", EnumSet.of(Tokens.Scope.READ, Tokens.Scope.ACCESS), 30);
        Tokens.Token t = tokens.resolve("Bearer " + secret).orElseThrow();
        assertThat(t.user().username()).isEqualTo("alice");
        assertThat(t.allows(Tokens.Scope.ACCESS)).isTrue();
        assertThat(t.allows(Tokens.Scope.LAUNCH)).isFalse();
        String dump = db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM api_tokens").mapToMap().list().toString());
        assertThat(dump).doesNotContain(secret).doesNotContain(secret.substring(6));
        assertThat(tokens.resolve("bearer " + secret)).isPresent(); // the scheme is case-insensitive
    }

    @Test
    void expired_forged_and_malformed_tokens_do_not_check_out() {
        store.create(alice.id(), null, "old", Sessions.hash("berth_" + "o".repeat(43)), "access",
                Instant.now().minusSeconds(7200), Instant.now().minusSeconds(60));
        assertThat(tokens.resolve("Bearer berth_" + "o".repeat(43))).isEmpty();
        assertThat(tokens.resolve("Bearer berth_" + "f".repeat(43))).isEmpty();
        assertThat(tokens.resolve("Basic YWxpY2U6eA==")).isEmpty();
        assertThat(tokens.resolve("Bearer " + "x".repeat(49))).isEmpty();
        assertThat(tokens.resolve((String) null)).isEmpty();
    }

    @Test
    void a_token_checks_out_in_one_form_only() {
        String secret = tokens.create(alice, "forms", Set.of(Tokens.Scope.READ), 1);
        assertThat(tokens.resolve("BEARER " + secret)).isPresent();
        for (String near : List.of("Bearer  " + secret, "Bearer\t" + secret, "Bearer " + secret + " ",
                "Bearer " + secret + ",x", "token " + secret, "Bearer" + secret, " Bearer " + secret, secret)) {
            assertThat(tokens.resolve(near)).as(near).isEmpty();
        }
        assertThat(TokenHeader.read(List.of("Basic YWxpY2U6eA==", "Bearer " + secret)).kind())
                .isEqualTo(TokenHeader.Kind.SEVERAL);
        assertThat(tokens.resolve(TokenHeader.read(List.of("Bearer " + secret, "Bearer " + secret)))).isEmpty();
        assertThat(TokenHeader.read(List.of()).kind()).isEqualTo(TokenHeader.Kind.NONE);
    }

    @Test
    void revoking_ends_a_token_at_once() {
        String secret = tokens.create(alice, "temp", Set.of(Tokens.Scope.ACCESS), 0);
        assertThat(tokens.resolve("Bearer " + secret)).isPresent();
        long id = tokens.of(alice).get(0).id();
        assertThat(tokens.revoke(alice, id)).isTrue();
        assertThat(tokens.resolve("Bearer " + secret)).isEmpty();
        assertThat(tokens.revoke(alice, id)).isFalse();
    }

    @Test
    void a_child_token_never_outranks_or_outlives_its_parent_and_goes_with_it() {
        tokens.create(alice, "parent", Set.of(Tokens.Scope.READ, Tokens.Scope.TOKENS), 2);
        Tokens.Token parent = tokens.resolve("Bearer " + tokens.create(alice, null, "p2",
                Set.of(Tokens.Scope.READ, Tokens.Scope.TOKENS), 2).secret()).orElseThrow();
        assertThatThrownBy(() -> tokens.create(alice, parent, "up", Set.of(Tokens.Scope.LAUNCH), 1))
                .isInstanceOf(BerthException.class).extracting("status").isEqualTo(403);
        Tokens.Created forever = tokens.create(alice, parent, "forever", Set.of(Tokens.Scope.READ), 0);
        assertThat(forever.expiresAt()).isEqualTo(parent.expiresAt()).isNotNull();
        Tokens.Created longer = tokens.create(alice, parent, "longer", Set.of(Tokens.Scope.READ), 3650);
        assertThat(longer.expiresAt()).isEqualTo(parent.expiresAt());
        Tokens.Token child = tokens.resolve("Bearer " + forever.secret()).orElseThrow();
        assertThat(tokens.revoke(alice, child, parent.id())).as("a weaker token revokes no stronger one").isFalse();
        assertThat(tokens.resolve("Bearer " + forever.secret())).isPresent();
        assertThat(tokens.revoke(alice, parent.id())).isTrue();
        assertThat(tokens.resolve("Bearer " + forever.secret())).isEmpty();
        assertThat(tokens.resolve("Bearer " + longer.secret())).isEmpty();
        assertThat(tokens.of(alice)).extracting(Tokens.Listed::name).containsExactly("parent");
    }

    @Test
    void bad_requests_name_their_field_and_a_second_token_of_the_same_name_conflicts() {
        assertThatThrownBy(() -> tokens.create(alice, "", Set.of(Tokens.Scope.READ), 1))
                .isInstanceOf(BerthException.class).extracting("field").isEqualTo("name");
        assertThatThrownBy(() -> tokens.create(alice, "n", Set.of(), 1))
                .isInstanceOf(BerthException.class).extracting("field").isEqualTo("scopes");
        assertThatThrownBy(() -> tokens.create(alice, "n", Set.of(Tokens.Scope.READ), -1))
                .isInstanceOf(BerthException.class).extracting("field").isEqualTo("expires_days");
        assertThatThrownBy(() -> Tokens.parseScopes(List.of("read", "sudo")))
                .isInstanceOf(BerthException.class).hasMessageContaining("sudo");
        tokens.create(alice, "dup", Set.of(Tokens.Scope.READ), 1);
        assertThatThrownBy(() -> tokens.create(alice, "dup", Set.of(Tokens.Scope.READ), 1))
                .isInstanceOf(BerthException.class).extracting("status").isEqualTo(409);
    }
}
