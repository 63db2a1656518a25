package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.PortalClient;
import io.berth.testing.RawHttp;
import io.berth.testing.Stacks;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 18's attack in a real browser: bob shares with alice a stack whose page carries a script that, once alice
 * opens it, reads her CSRF field from the portal's tokens page and creates an API token for her (read, launch,
 * access). On a host route, the default, the page has an origin of its own: the portal's answers are unreadable to
 * it (CORS), a blind form post arrives without alice's session (SameSite) and is refused, and alice ends with no
 * token — also where service hosts share the portal's site and her cookie does go along. The control runs the same
 * script on a path route, which berth.yaml must allow ({@code proxy.path_routing: all}): there it does make the
 * token, so the host-route tests pass because of the host route and not because the script never worked.
 */
class SharedServiceOriginTest {
    /**
     * Bob's template; {@code ROUTE} is replaced by the route kind. The script takes the portal's address from a
     * launch parameter (bob knows where his portal is) and reports in {@code #result}: {@code stolen <secret>}, or
     * why not.
     */
    private static final String LURE = """
            name: lure
            title: A page whose script reaches for the portal
            parameters:
              portal: {type: string, default: "http://127.0.0.1", regex: "http://[0-9a-z.:-]+", max_length: 100}
            services:
              web:
                image: berth/demo:latest
                env:
                  PAGE: |
                    <!doctype html>
                    <html><head><meta charset="utf-8"><title>A gift from bob</title></head><body>
                    <p id="result">working</p>
                    <script>
                    var portal = '${param.portal}';
                    function report(text) { document.getElementById('result').textContent = text; }
                    function tokenForm(csrf) {
                      var form = new URLSearchParams();
                      if (csrf) { form.append('_csrf', csrf); }
                      form.append('name', 'stolen');
                      form.append('expires_days', '0');
                      ['read', 'launch', 'access'].forEach(function (s) { form.append('scope', s); });
                      return form;
                    }
                    function steal(page) {
                      var csrf = page.match(/name="_csrf" value="([^"]+)"/);
                      if (!csrf) { report('no csrf field in: ' + page.slice(0, 200)); return; }
                      return fetch(portal + '/tokens', {method: 'POST', credentials: 'include',
                          body: tokenForm(csrf[1])})
                        .then(function (r) { return r.text(); })
                        .then(function (made) {
                          var secret = made.match(/id="token-secret">([^<]+)</);
                          report(secret ? 'stolen ' + secret[1] : 'no token in: ' + made.slice(0, 200));
                        }, function (e) { report('post failed: ' + e); });
                    }
                    function blind(read) {
                      return fetch(portal + '/tokens', {method: 'POST', mode: 'no-cors', credentials: 'include',
                          body: tokenForm(null)})
                        .then(function (r) { report('read refused: ' + read + '; blind post: ' + r.type + ' '
                              + r.status); },
                              function (e) { report('read refused: ' + read + '; blind post failed: ' + e); });
                    }
                    fetch(portal + '/tokens', {credentials: 'include'})
                      .then(function (r) { return r.text(); })
                      .then(steal, blind);
                    </script>
                    </body></html>
                command:
                  - sh
                  - -c
                  - >-
                    mkdir -p "/www$BERTH_PREFIX" && printf "%s" "$PAGE" > "/www$BERTH_PREFIX"index.html
                    && exec httpd -f -p 8080 -h /www
                resources: {cpu: 0.25, memory: 32m}
                expose: [{http: 8080, route: ROUTE}]
            """;

    @BeforeAll
    static void image() {
        TestDocker.ensureDemoImage();
    }

    /** The default of {@code proxy.path_routing} (tests' BerthInstance allows paths, for the tests written for them). */
    private static final String DEFAULT = new BerthConfig().proxy.pathRouting;

    @Test
    void by_default_a_shared_service_gets_its_own_host_and_cannot_make_a_token_for_the_user_who_opens_it()
            throws Exception {
        // bob's template asks for a path; the default policy gives it a host of its own all the same
        try (Attack attack = Attack.launch("path", c -> c.proxy.pathRouting = DEFAULT, "127.0.0.1")) {
            String result = attack.aliceOpensBobsService();

            int port = URI.create(attack.berth.url()).getPort();
            assertThat(attack.browser.getCurrentUrl()).isEqualTo("http://web--gift--bob.localhost:" + port + "/");
            assertThat(result).as("what the script got")
                    .startsWith("read refused: TypeError: Failed to fetch; blind post: opaque 0")
                    .doesNotContain("_csrf", "berth_", "stolen");
            assertThat(attack.aliceTokenNames()).as("alice's tokens").isEmpty();
            assertThat(attack.tokenAudit()).as("the blind post reached the portal without alice's session (the "
                    + "service host is another site), was refused, and nothing else about tokens happened")
                    .containsExactly("—|token.create||127.0.0.1|403|" + Attack.ANOTHER_SITE);
        }
    }

    /**
     * Sites that give services names under the portal's own domain ({@code portal.berth.localhost} and
     * {@code *.berth.localhost}, like {@code berth.site.org} and {@code *.berth.site.org}) are same-site: SameSite=Lax
     * lets alice's cookie go along with the script's requests. What holds then is CORS (the tokens page never reaches
     * the script) and the portal's Origin and CSRF checks (the blind post is refused although it is alice's).
     */
    @Test
    void on_service_hosts_of_the_portals_own_site_her_cookie_goes_along_but_the_script_still_gets_nothing()
            throws Exception {
        try (Attack attack = Attack.launch("path", c -> {
            c.proxy.pathRouting = DEFAULT;
            c.proxy.appsDomain = "berth.localhost";
        }, "portal.berth.localhost")) {
            String result = attack.aliceOpensBobsService();

            int port = URI.create(attack.berth.url()).getPort();
            assertThat(attack.browser.getCurrentUrl())
                    .isEqualTo("http://web--gift--bob.berth.localhost:" + port + "/");
            assertThat(result).as("what the script got")
                    .startsWith("read refused: TypeError: Failed to fetch; blind post: opaque 0")
                    .doesNotContain("_csrf", "berth_", "stolen");
            assertThat(attack.aliceTokenNames()).as("alice's tokens").isEmpty();
            assertThat(attack.tokenAudit()).as("the blind post came with alice's session and was refused")
                    .containsExactly("alice|token.create||127.0.0.1|403|" + Attack.ANOTHER_SITE);
        }
    }

    @Test
    void the_same_script_on_an_allowed_path_route_does_make_the_token_which_is_what_the_default_prevents()
            throws Exception {
        try (Attack attack = Attack.launch("path", c -> c.proxy.pathRouting = "all", "127.0.0.1")) {
            String result = attack.aliceOpensBobsService();

            assertThat(attack.browser.getCurrentUrl()).isEqualTo(attack.berth.url() + "/user/bob/gift/web/");
            assertThat(result).as("what the script got").matches("stolen berth_\\S+");
            String stolen = result.substring("stolen ".length());
            assertThat(RawHttp.get(attack.berth.url(), "/api/v1/stacks", "Authorization: Bearer " + stolen).status())
                    .as("the stolen token works").isEqualTo(200);
            assertThat(attack.aliceTokenNames()).containsExactly("stolen");
            assertThat(attack.tokenAudit()).containsExactly("alice|token.create|stolen|127.0.0.1|201|");
        }
    }

    /**
     * One run of the attack: a Berth on real Docker with users alice and bob, bob's {@code lure} stack {@code gift}
     * READY and shared with alice, a Chromium for alice, and portal clients to look at the outcome with.
     */
    private static final class Attack implements AutoCloseable {
        private static final Pattern TOKEN_NAME = Pattern.compile("class=\"token-name\">([^<]*)<");
        /** Why the portal refuses a form posted from another origin (web/Guard). */
        static final String ANOTHER_SITE = "This form was sent from another site; reload the page and try again.";
        private static final Pattern AUDIT_ROW = Pattern.compile("(?s)<tr class=\"audit-entry\">(.*?)</tr>");

        final BerthInstance berth;
        /** The portal's address in alice's browser (and in bob's script). */
        String portal;
        private PortalClient admin;
        private PortalClient alice;
        ChromeDriver browser;

        private Attack(BerthInstance berth) {
            this.berth = berth;
        }

        static Attack launch(String route, Consumer<BerthConfig> configure, String portalHost) throws Exception {
            Attack attack = new Attack(new BerthInstance());
            try {
                attack.berth.template("lure.yaml", LURE.replace("ROUTE", route));
                BerthConfig config = attack.berth.config();
                configure.accept(config);
                attack.berth.start(config);
                attack.portal = attack.berth.url().replace("127.0.0.1", portalHost);
                attack.shareBobsStack();
                attack.browser = Chromium.start();
                return attack;
            } catch (Exception | AssertionError e) {
                attack.close();
                throw e;
            }
        }

        private void shareBobsStack() {
            String url = berth.url();
            admin = new PortalClient(url).login("admin", BerthInstance.ADMIN_PASSWORD);
            admin.get("/admin/users");
            for (String user : new String[] {"alice", "bob"}) {
                assertThat(admin.post("/admin/users", Map.of("username", user, "password", user + "-password"))
                        .statusCode()).isEqualTo(302);
            }
            PortalClient bob = new PortalClient(url).login("bob", "bob-password");
            Stacks.launch(bob, "lure", "gift", Map.of("portal", portal));
            assertThat(Stacks.waitForState(bob, "/stacks/bob/gift", "READY", Duration.ofSeconds(60)))
                    .isEqualTo("READY");
            bob.get("/stacks/bob/gift");
            assertThat(bob.post("/stacks/bob/gift/shares", Map.of("kind", "user", "with", "alice")).statusCode())
                    .isEqualTo(302);
            alice = new PortalClient(url).login("alice", "alice-password");
        }

        /** Alice logs in to the portal and opens bob's service from her dashboard; returns what its script wrote. */
        String aliceOpensBobsService() {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(portal + "/dashboard");
            Chromium.logInIfAsked(browser, "alice", "alice-password");
            wait.until(ExpectedConditions.textToBe(By.id("whoami"), "alice"));
            browser.findElement(By.cssSelector("#shared-bob-gift a.service-link")).click();
            wait.until(d -> !d.findElement(By.id("result")).getText().equals("working"));
            return browser.findElement(By.id("result")).getText();
        }

        /** The names on alice's tokens page, as she would see them. */
        List<String> aliceTokenNames() {
            Matcher m = TOKEN_NAME.matcher(alice.get("/tokens").body());
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        /** The audit log's token entries as {@code actor|action|target|address|result|detail}, newest first. */
        List<String> tokenAudit() {
            Matcher m = AUDIT_ROW.matcher(admin.get("/admin/audit?action=token.").body());
            List<String> rows = new ArrayList<>();
            while (m.find()) {
                String row = m.group(1);
                rows.add(String.join("|", cell(row, "actor"), cell(row, "action"), cell(row, "target"),
                        cell(row, "address"), cell(row, "result"), cell(row, "detail")));
            }
            return rows;
        }

        private static String cell(String row, String name) {
            Matcher m = Pattern.compile("<td class=\"" + name + "\">([^<]*)</td>").matcher(row);
            return m.find() ? m.group(1) : "?";
        }

        @Override
        public void close() {
            if (browser != null) {
                browser.quit();
            }
            berth.close();
        }
    }
}
