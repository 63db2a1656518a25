package io.berth.stacks;

import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.backend.ObjectNames;
import io.berth.model.OwnerKind;
import io.berth.model.StackRef;
import io.berth.testing.ApiCalls;
import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Berth killed with SIGKILL while a user's provision command runs inside a site service: the engine finishes that
 * command on its own, the store still says RUNNING, and the user's next request to the next Berth runs the
 * (idempotent) command again and succeeds — the account exists once, not lost and not doubled.
 */
class ProvisionCrashTest {
    private final BerthInstance instance;
    private BerthProcess berth;

    ProvisionCrashTest() throws Exception {
        TestDocker.ensureDemoImage();
        instance = new BerthInstance();
        // takes 4 s, then adds the user to the service's account list unless it is there already
        instance.template("accounts.yaml", """
                name: accounts
                owner_kinds: [site]
                services:
                  web:
                    image: berth/demo:latest
                    command: [nc, -ll, -p, "8080", -e, /echo-headers]
                    provision:
                      timeout: 20s
                      command: [sh, -c, 'sleep 4; grep -qx "${user.name}" /tmp/accounts || echo "${user.name}" >> /tmp/accounts']
                    expose: [{http: 8080}]
                """);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (berth != null) {
            berth.kill();
        }
        instance.close();
    }

    @Test
    void a_provisioning_cut_by_a_crash_is_finished_at_the_next_request_and_made_once() throws Exception {
        berth = new BerthProcess(instance).start();
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
        admin.get("/catalog");
        assertThat(admin.post("/stacks", Map.of("template", "accounts", "name", "acct", "group", "_site",
                "audience", "everyone")).statusCode()).isEqualTo(302);
        assertThat(waitForState(admin, "/stacks/_site/acct", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
        String token = new PortalClient(berth.url()).login("alice", "alice-password").createToken("cli", "read");

        String url = berth.url();
        CompletableFuture<Integer> cut = CompletableFuture.supplyAsync(() -> {
            try {
                return ApiCalls.call(url, token, "GET", "/site/acct/connection", null).statusCode();
            } catch (RuntimeException e) {
                return -1; // the connection died with Berth
            }
        });
        Thread.sleep(1500); // the command sleeps 4 s: Berth dies in its middle
        berth.kill();
        assertThat(cut.get(30, TimeUnit.SECONDS)).as("no answer from a killed Berth").isEqualTo(-1);

        berth = new BerthProcess(instance).start();
        HttpResponse<String> retried = ApiCalls.call(berth.url(), token, "GET", "/site/acct/connection", null);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);

        String container = ObjectNames.container(instance.run, new StackRef(OwnerKind.SITE_ACCOUNT, "acct"), "web");
        Process cat = new ProcessBuilder("docker", "exec", container, "cat", "/tmp/accounts").start();
        assertThat(cat.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(cat.getInputStream().readAllBytes())).as("the account, once").isEqualTo("alice\n");
        PortalClient admin2 = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        assertThat(admin2.get("/stacks/_site/acct").body()).contains("data-user=\"alice\"><td>alice</td><td>DONE</td>")
                .contains("2 attempt(s)");
    }
}
