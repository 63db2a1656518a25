package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.TestDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What a newcomer does on day one, in a real browser: log in, launch the demo, open it, stop it. */
class LaunchInBrowserTest {
    private static BerthInstance berth;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance().start();
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void admin_logs_in_launches_the_demo_opens_it_and_stops_it() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(berth.url() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(BerthInstance.ADMIN_PASSWORD);
        browser.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.textToBe(By.id("whoami"), "admin"));

        browser.findElement(By.linkText("Catalog")).click();
        browser.findElement(By.cssSelector("#template-demo button.launch")).click();

        // The stack page refreshes itself until the stack is READY, then shows the service's link.
        wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
        screenshot("stack-ready");
        browser.findElement(By.cssSelector("a.service-link")).click();
        wait.until(ExpectedConditions.textToBe(By.id("greeting"), "Hello from a Berth stack"));
        assertThat(browser.getCurrentUrl()).endsWith("/user/admin/demo/web/");

        browser.navigate().back();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("stop"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("state"), "STOPPED"));
        assertThat(TestDocker.containers(berth.run)).isEmpty();
    }

    private static void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
