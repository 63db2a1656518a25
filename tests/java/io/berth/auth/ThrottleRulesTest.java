package io.berth.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.Throttle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counters of {@link LoginThrottle} on their own: which lock holds against whom. */
class ThrottleRulesTest {
    private final List<LoginThrottle.Lock> locked = new ArrayList<>();

    private LoginThrottle throttle(int free, int lockAfter, int addressLockAfter, int accountLockAfter) {
        Throttle config = new Throttle();
        config.freeFailures = free;
        config.lockAfter = lockAfter;
        config.addressLockAfter = addressLockAfter;
        config.accountLockAfter = accountLockAfter;
        return new LoginThrottle(config, locked::add);
    }

    @Test
    void an_accounts_own_lock_holds_only_against_addresses_that_failed_for_it() {
        LoginThrottle t = throttle(100, 100, 100, 5);
        for (int i = 1; i <= 5; i++) {
            assertThat(t.check("Root", "10.0.0." + i).allowed()).isTrue();
            t.failedLogin("root", "10.0.0." + i);
        }
        assertThat(locked).extracting(LoginThrottle.Lock::kind).containsExactly(LoginThrottle.Kind.ACCOUNT);
        assertThat(t.check("root", "10.0.0.3")).extracting(LoginThrottle.Verdict::allowed,
                LoginThrottle.Verdict::locked).containsExactly(false, true);
        assertThat(t.check("root", "10.0.0.99").allowed()).as("its owner, from an address that never failed").isTrue();
        assertThat(t.check("alice", "10.0.0.3").allowed()).as("another account from that address").isTrue();
        assertThat(t.unlock("account:root")).isTrue();
        assertThat(t.check("root", "10.0.0.3").allowed()).isTrue();
        assertThat(t.locks()).isEmpty();
    }

    @Test
    void failures_past_the_free_ones_wait_and_a_right_password_forgives_only_its_own() {
        LoginThrottle t = throttle(2, 100, 100, 0);
        t.failedLogin("alice", "10.0.0.1");
        t.failedLogin("alice", "10.0.0.1");
        assertThat(t.check("alice", "10.0.0.1").allowed()).as("two free failures").isTrue();
        t.failedLogin("alice", "10.0.0.1");
        LoginThrottle.Verdict wait = t.check("alice", "10.0.0.1");
        assertThat(wait.allowed()).isFalse();
        assertThat(wait.locked()).isFalse();
        assertThat(wait.retryAfterSeconds()).isEqualTo(1);
        t.succeeded("alice", "10.0.0.1");
        assertThat(t.check("alice", "10.0.0.1").allowed()).as("the address still backs off").isFalse();
        assertThat(t.unlock("address:10.0.0.1")).isTrue();
        assertThat(t.check("alice", "10.0.0.1").allowed()).isTrue();
        assertThat(locked).isEmpty();
    }

    @Test
    void an_address_with_failures_runs_only_a_few_password_checks_at_once() {
        LoginThrottle t = throttle(100, 100, 100, 0);
        List<LoginThrottle.Claim> claims = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            claims.add(t.claim("10.0.0.1"));
        }
        assertThat(claims).as("no failures on record: a class behind one NAT address").doesNotContainNull();
        claims.forEach(LoginThrottle.Claim::close);
        t.failedLogin("alice", "10.0.0.1");
        for (int i = 0; i < LoginThrottle.PARALLEL; i++) {
            claims.set(i, t.claim("10.0.0.1"));
            assertThat(claims.get(i)).isNotNull();
        }
        assertThat(t.claim("10.0.0.1")).as("one more at once").isNull();
        assertThat(t.claim("10.0.0.2")).as("another address").isNotNull();
        claims.get(0).close();
        assertThat(t.claim("10.0.0.1")).as("once one is done").isNotNull();
    }
}
