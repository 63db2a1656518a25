package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.EchoServer;
import io.berth.testing.Keycloak;
import io.berth.testing.KeycloakLogin;
import io.berth.testing.PortalClient;
import io.berth.testing.Stacks;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Single sign-on as a person does it: "Sign in with Keycloak", Keycloak's own form, back on Berth's dashboard with
 * the groups from the provider; logging out ends the Keycloak session too, so the next sign-in asks again.
 */
@Tag("keycloak")
class SsoInBrowserTest {
    private static Keycloak keycloak;
    private static EchoServer echo;
    private static BerthInstance berth;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.shared();
        echo = new EchoServer();
        berth = new BerthInstance();
        BerthConfig c = berth.config();
        c.auth.oidc.issuer = keycloak.issuer();
        c.auth.oidc.clientId = keycloak.clientId();
        c.auth.oidc.clientSecret = keycloak.clientSecret();
        c.auth.oidc.displayName = "Keycloak";
        c.auth.oidc.allowedGroups = List.of("lqcd", "astro");
        berth.startOnLoopback(c, echo.port());

        // alice already has a stack, launched through a scripted sign-in of her own
        PortalClient alice = new PortalClient(berth.url());
        var start = alice.get("/login/oidc");
        URI callback = KeycloakLogin.followToCallback(alice.http(),
                URI.create(start.headers().firstValue("Location").orElseThrow()), "alice", "alice-pass-1");
        assertThat(alice.get(callback.getRawPath() + "?" + callback.getRawQuery()).statusCode()).isEqualTo(302);
        Stacks.launch(alice, "demo", "notes");
        assertThat(Stacks.waitForState(alice, "/stacks/alice/notes", "READY", Duration.ofSeconds(30))).isEqualTo("READY");

        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (berth != null) {
            berth.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    /** Each test starts signed out everywhere: no Berth session, no Keycloak session. */
    @BeforeEach
    void forgetAllCookies() {
        browser.executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
    }

    private static void signIn(String user, String password) {
        browser.get(berth.url() + "/dashboard");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sso-login"))).click();
        wait.until(ExpectedConditions.urlContains(keycloak.issuer()));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
    }

    private static void logOut() {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("logout"))).click();
        wait.until(ExpectedConditions.urlToBe(berth.url() + "/login"));
    }

    @Test
    void alice_and_bob_sign_in_see_their_own_things_and_logging_out_ends_the_provider_session() {
        signIn("alice", "alice-pass-1");
        wait.until(ExpectedConditions.textToBe(By.id("whoami"), "alice"));
        assertThat(browser.getCurrentUrl()).isEqualTo(berth.url() + "/dashboard");
        assertThat(browser.findElement(By.id("my-groups")).getText()).isEqualTo("Groups: lqcd");
        assertThat(browser.findElements(By.id("stack-notes"))).hasSize(1);

        logOut();
        browser.get(berth.url() + "/dashboard");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sso-login"))).click();
        wait.until(ExpectedConditions.urlContains(keycloak.issuer()));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).isDisplayed())
                .as("Keycloak asks for a password again: its session ended with Berth's").isTrue();

        browser.findElement(By.id("username")).sendKeys("bob");
        browser.findElement(By.id("password")).sendKeys("bob-pass-1");
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.textToBe(By.id("whoami"), "bob"));
        assertThat(browser.findElement(By.id("my-groups")).getText()).isEqualTo("Groups: astro");
        assertThat(browser.findElements(By.id("stack-notes"))).as("alice's stack").isEmpty();
        assertThat(browser.findElement(By.id("no-stacks")).getText()).contains("no stacks yet");
        logOut();
    }

    @Test
    void a_user_outside_the_allowed_groups_reads_why_and_can_sign_in_as_someone_else() {
        signIn("carol", "carol-pass-1");
        var error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertThat(error.getText()).contains("Your account (carol) is not in a group allowed to use Berth");
        assertThat(browser.findElements(By.id("whoami"))).isEmpty();

        // "Sign in" alone would be refused at once: Keycloak still knows carol. The switch ends her session there.
        browser.findElement(By.id("sso-switch")).click();
        wait.until(ExpectedConditions.urlToBe(berth.url() + "/login"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sso-login"))).click();
        wait.until(ExpectedConditions.urlContains(keycloak.issuer()));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("alice-pass-1");
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.textToBe(By.id("whoami"), "alice"));
        logOut();
    }
}
