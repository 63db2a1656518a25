package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.Keycloak;
import io.berth.testing.TestDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Site services in a real browser with single sign-on through a real Keycloak: dora (in berth-admins) launches the
 * shipped postgres-site for the group lqcd and whoami-site for everyone from the catalog; alice (lqcd) finds both under
 * "Site services", gets a PostgreSQL database of her own and writes to it with the host's psql, and is greeted by
 * name, groups and verified e-mail; bob (astro) sees only the greeting service, greeted as himself, and gets 404 for
 * the database service's page.
 */
@Tag("keycloak")
class SiteServicesInBrowserTest {
    private static Keycloak keycloak;
    private static BerthInstance berth;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        TestDocker.ensureImages("postgres");
        keycloak = Keycloak.shared();
        berth = new BerthInstance();
        for (String t : List.of("postgres-site", "whoami-site")) {
            berth.template(t + ".yaml", Files.readString(Path.of("templates", t + ".yaml")));
        }
        BerthConfig c = berth.config();
        c.auth.oidc.issuer = keycloak.issuer();
        c.auth.oidc.clientId = keycloak.clientId();
        c.auth.oidc.clientSecret = keycloak.clientSecret();
        c.auth.oidc.displayName = "Keycloak";
        c.auth.oidc.adminGroups = List.of("berth-admins");
        c.proxy.pathRouting = "off"; // the default: the greeting page gets a host of its own
        berth.start(c);
        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void an_admin_runs_site_services_and_each_member_gets_their_own_account_and_greeting() throws Exception {
        try {
            signIn("dora", "dora-pass-1");
            launchForTheSite("postgres-site", "pg", "lqcd");
            launchForTheSite("whoami-site", "who", "everyone");

            signIn("alice", "alice-pass-1");
            browser.get(berth.url() + "/dashboard");
            assertThat(siteServices()).containsExactlyInAnyOrder("pg", "who");
            browser.findElement(By.cssSelector("#site-pg a[href='/site-services/pg']")).click();
            String connection = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("connection-0")))
                    .getText();
            assertThat(connection).startsWith("postgresql://alice:").endsWith("/alice");
            assertThat(psql(connection, "CREATE TABLE study (trial int); INSERT INTO study VALUES (7);"
                    + " SELECT trial FROM study")).contains("7");
            assertThat(greeting()).contains("Hello, alice!").contains("lqcd").contains("alice@lab.example.org");

            signIn("bob", "bob-pass-1");
            browser.get(berth.url() + "/dashboard");
            assertThat(siteServices()).containsExactly("who");
            assertThat(greeting()).contains("Hello, bob!").contains("astro").doesNotContain("lqcd");
            browser.get(berth.url() + "/site-services/pg");
            assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("postgresql://");
            assertThat(browser.getTitle()).startsWith("Error 404");
        } catch (TimeoutException e) {
            throw new AssertionError("the page did not get there:" + Chromium.describe(browser), e);
        }
    }

    private static void signIn(String login, String password) {
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        browser.get(berth.url() + "/dashboard");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sso-login"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(login);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("whoami")));
    }

    private static void launchForTheSite(String template, String name, String audience) {
        browser.get(berth.url() + "/catalog");
        WebElement card = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("template-" + template)));
        WebElement nameField = card.findElement(By.name("name"));
        nameField.clear();
        nameField.sendKeys(name);
        new Select(card.findElement(By.cssSelector("select.owner-select"))).selectByValue("_site");
        WebElement audienceField = card.findElement(By.name("audience"));
        audienceField.clear();
        audienceField.sendKeys(audience);
        card.findElement(By.cssSelector("button.launch")).click();
        wait.until(ExpectedConditions.urlToBe(berth.url() + "/stacks/_site/" + name));
        wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
    }

    private static List<String> siteServices() {
        return browser.findElements(By.cssSelector("#site-services tbody tr")).stream()
                .map(row -> row.getAttribute("id").substring("site-".length())).toList();
    }

    /** Opens the greeting service from the dashboard (on its own host) and returns what its page says. */
    private static String greeting() {
        browser.get(berth.url() + "/dashboard");
        browser.findElement(By.cssSelector("#site-who a.service-link")).click();
        wait.until(ExpectedConditions.urlContains("web--who--site.localhost"));
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.tagName("body"))).getText();
    }

    private static String psql(String url, String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "-X", "-A", "-t", url, "-c", sql).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes());
    }
}
