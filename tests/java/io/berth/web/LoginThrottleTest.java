package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guessing passwords and tokens (auth.throttle): an attacker at 127.0.0.2 is slowed, then locked, without costing a
 * password hash per refused try, while the admin at 127.0.0.3 still logs in; locks are listed, cleared and audited.
 * Each test's clients come from their own loopback addresses, so the tests do not share counters.
 */
class LoginThrottleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static BerthInstance berth;
    private static PortalClient admin;
    private static String adminToken;

    @BeforeAll
    static void start() throws Exception {
        berth = new BerthInstance();
        BerthConfig config = berth.config();
        config.auth.throttle.freeFailures = 3;
        config.auth.throttle.baseDelayMs = 20;  // 20, 40, 80 … ms: the test need not wait out long back-offs
        config.auth.throttle.maxDelaySeconds = 1;
        config.auth.throttle.lockAfter = 10;
        config.auth.throttle.addressLockAfter = 12;
        config.auth.throttle.accountLockAfter = 50;
        berth.startOnLoopback(config, 9);
        admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        adminToken = admin.createToken("locks", "admin");
    }

    @AfterAll
    static void stop() {
        if (berth != null) {
            berth.close();
        }
    }

    private static RawHttp.Answer login(String from, String user, String password) {
        String body = "username=" + enc(user) + "&password=" + enc(password);
        String request = "POST /login HTTP/1.1\r\nHost: " + URI.create(berth.url()).getAuthority()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
        return RawHttp.sendFrom(from, berth.url(), request.getBytes(StandardCharsets.UTF_8));
    }

    private static RawHttp.Answer api(String from, String method, String path, String token) {
        String request = method + " /api/v1" + path + " HTTP/1.1\r\nHost: " + URI.create(berth.url()).getAuthority()
                + "\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        return RawHttp.sendFrom(from, berth.url(), request.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fifty_wrong_passwords_are_slowed_then_locked_while_the_admin_logs_in_from_elsewhere() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        List<Long> refusedNanos = new ArrayList<>();
        List<Long> checkedNanos = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long began = System.nanoTime();
            RawHttp.Answer r = login("127.0.0.2", "admin", "wrong-password-" + i);
            (r.status() == 429 ? refusedNanos : checkedNanos).add(System.nanoTime() - began);
            statuses.add(r.status());
            if (r.status() == 429) {
                assertThat(r.header("Retry-After")).as("try " + i).matches("\\d+");
            }
            Thread.sleep(30);
        }
        assertThat(statuses.subList(0, 4)).as("the free failures, and the first past them").containsOnly(401);
        assertThat(statuses).as("wrong passwords checked at all: lock_after").filteredOn(s -> s == 401).hasSize(10);
        int tenth = statuses.lastIndexOf(401);
        assertThat(statuses.subList(4, tenth)).as("slowed before the lock").contains(429);
        assertThat(statuses.subList(tenth + 1, 50)).as("locked after the tenth failure").isNotEmpty().containsOnly(429);
        // a refused try is answered before the password is hashed (Argon2): the median is far below a checked one's
        assertThat(median(refusedNanos) * 3).isLessThan(median(checkedNanos));

        assertThat(login("127.0.0.2", "admin", BerthInstance.ADMIN_PASSWORD).status())
                .as("the right password, from the locked address").isEqualTo(429);
        RawHttp.Answer elsewhere = login("127.0.0.3", "admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(elsewhere.status()).as("the admin from another address").isEqualTo(302);
        assertThat(elsewhere.header("Location")).isEqualTo("/dashboard");

        String key = "account-at-address:admin,127.0.0.2";
        assertThat(admin.get("/admin/locks").body()).contains("127.0.0.2", "value=\"" + key + "\"");
        JsonNode locks = JSON.readTree(api(null, "GET", "/admin/locks", adminToken).body());
        assertThat(locks.findValuesAsText("key")).contains(key);
        assertThat(portalAsAlice().get("/admin/locks").statusCode()).as("admins only").isEqualTo(404);

        assertThat(admin.post("/admin/locks/unlock", Map.of("key", key)).statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin/locks").body()).doesNotContain("value=\"" + key + "\"");
        RawHttp.Answer unlocked = login("127.0.0.2", "admin", BerthInstance.ADMIN_PASSWORD);
        if (unlocked.status() == 429) { // the address's own back-off (not a lock) may still run: max_delay at most
            assertThat(Long.parseLong(unlocked.header("Retry-After"))).isLessThanOrEqualTo(1);
            Thread.sleep(1_100);
            unlocked = login("127.0.0.2", "admin", BerthInstance.ADMIN_PASSWORD);
        }
        assertThat(unlocked.status()).as("unlocked").isEqualTo(302);

        JsonNode audit = JSON.readTree(api(null, "GET", "/admin/audit?action=login.", adminToken).body());
        List<String> rows = new ArrayList<>();
        audit.forEach(e -> rows.add(e.path("actor").asText() + "|" + e.path("action").asText() + "|"
                + e.path("target").asText() + "|" + e.path("result").asText()));
        assertThat(rows).contains("berth|login.lock|" + key + "|429", "admin|login.unlock|" + key + "|302");
    }

    @Test
    void bad_api_tokens_from_one_address_are_slowed_then_locked_before_any_lookup() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 300 && statuses.stream().filter(s -> s == 401).count() < 12; i++) {
            RawHttp.Answer r = api("127.0.0.4", "GET", "/me", "berth_" + "x".repeat(40) + String.format("%03d", i));
            statuses.add(r.status());
            if (r.status() == 429) {
                Thread.sleep(50); // backing off, as asked
            }
        }
        assertThat(statuses.subList(0, 4)).containsOnly(401);
        assertThat(statuses).as("slowed").contains(429).filteredOn(s -> s == 401).hasSize(12);
        RawHttp.Answer refused = api("127.0.0.4", "GET", "/me", adminToken);
        assertThat(refused.status()).as("even a good token, once the address is locked").isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).as("locked, not backing off").isGreaterThan(60);
        assertThat(api("127.0.0.5", "GET", "/me", adminToken).status()).as("from another address").isEqualTo(200);
        RawHttp.Answer proxied = RawHttp.sendFrom("127.0.0.4", berth.url(), ("GET /user/admin/x/web/ HTTP/1.1\r\nHost: "
                + URI.create(berth.url()).getAuthority() + "\r\nAuthorization: Bearer " + adminToken
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(proxied.status()).as("the proxy asks the same counter").isEqualTo(429);
    }

    private static PortalClient portalAsAlice() {
        if (admin.get("/admin/users").body().contains(">alice<")) {
            return new PortalClient(berth.url()).login("alice", "alice-password");
        }
        admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
        return new PortalClient(berth.url()).login("alice", "alice-password");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
