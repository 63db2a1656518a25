package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.LoopbackPortal;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A host-routed service in a real browser: after logging in to the portal once, its link opens the service on
 * {@code web--lab--alice.localhost} with no second login, and neither the portal's cookie nor the service host's
 * own reaches the service or its scripts.
 */
class HostRoutedInBrowserTest {
    private static LoopbackPortal portal;
    private static BerthInstance berth;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        portal = new LoopbackPortal("board.yaml", """
                name: board
                title: An app that wants a host of its own
                services:
                  web:
                    image: berth/demo:latest
                    expose: [{http: 8080, route: host, open: runs}]
                """, "board");
        berth = portal.berth;
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (portal != null) {
            portal.close();
        }
    }

    @Test
    void the_service_opens_on_its_own_host_after_one_portal_login() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(berth.url() + "/stacks/alice/lab");
        Chromium.logInIfAsked(browser, "alice", "alice-password");
        wait.until(ExpectedConditions.textToBe(By.id("whoami"), "alice"));
        browser.get(berth.url() + "/stacks/alice/lab");
        var link = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("a.service-link")));
        int port = URI.create(berth.url()).getPort();
        assertThat(link.getText()).isEqualTo("http://web--lab--alice.localhost:" + port + "/runs");
        link.click();

        wait.until(ExpectedConditions.urlToBe("http://web--lab--alice.localhost:" + port + "/runs"));
        String seen = browser.findElement(By.tagName("body")).getText();
        assertThat(seen).startsWith("GET /runs").doesNotContain("berth_session", "berth_host");
        assertThat(browser.executeScript("return document.cookie")).isEqualTo("");

        // later visits to the host go straight through; an unknown path too
        browser.get("http://web--lab--alice.localhost:" + port + "/experiments/7");
        assertThat(browser.findElement(By.tagName("body")).getText()).startsWith("GET /experiments/7");
    }

    @Test
    void a_bookmarked_service_url_sends_a_visitor_through_the_portal_login_and_back() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.manage().deleteAllCookies(); // only this origin's; start clean on the portal too:
        browser.get(berth.url() + "/login");
        browser.manage().deleteAllCookies();
        int port = URI.create(berth.url()).getPort();
        browser.get("http://web--lab--alice.localhost:" + port + "/runs?id=3");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        Chromium.logInIfAsked(browser, "alice", "alice-password");
        wait.until(ExpectedConditions.urlToBe("http://web--lab--alice.localhost:" + port + "/runs?id=3"));
        assertThat(browser.findElement(By.tagName("body")).getText()).startsWith("GET /runs?id=3");
    }
}
