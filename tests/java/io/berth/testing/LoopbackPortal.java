package io.berth.testing;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

/**
 * The proxy tests' world: an {@link EchoServer} playing every service, a Berth on {@link LoopbackBackend} in front
 * of it, users alice and bob logged in, and alice's stack {@code lab} READY.
 */
public final class LoopbackPortal implements AutoCloseable {
    public final EchoServer echo;
    public final BerthInstance berth;
    public final PortalClient alice;
    public final PortalClient bob;

    /**
     * @param templateFile a template to add to the catalog (file name), or null
     * @param templateText its YAML
     * @param template     the template alice launches as {@code lab}
     */
    public LoopbackPortal(String templateFile, String templateText, String template) throws Exception {
        echo = new EchoServer();
        berth = new BerthInstance();
        if (templateFile != null) {
            berth.template(templateFile, templateText);
        }
        berth.startOnLoopback(berth.config(), echo.port());
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        for (String user : new String[] {"alice", "bob"}) {
            assertThat(admin.post("/admin/users", Map.of("username", user, "password", user + "-password"))
                    .statusCode()).isEqualTo(302);
        }
        alice = new PortalClient(berth.url()).login("alice", "alice-password");
        bob = new PortalClient(berth.url()).login("bob", "bob-password");
        launch(alice, template, "lab");
        assertThat(waitForState(alice, "/stacks/alice/lab", "READY", Duration.ofSeconds(30))).isEqualTo("READY");
    }

    public String url() {
        return berth.url();
    }

    @Override
    public void close() throws Exception {
        berth.close();
        echo.close();
    }
}
