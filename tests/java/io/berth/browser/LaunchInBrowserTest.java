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
        berth = new BerthInstance();
        berth.template("slow.yaml", """
                name: slow
                title: Slow starter
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'echo "hello from the slow service"; sleep 3; mkdir -p "/www${stack.prefix}" && echo "<p id=ok>ok</p>" > "/www${stack.prefix}/index.html" && echo "serving now" && exec httpd -f -p 8080 -h /www']
                    health: {http: "${stack.prefix}/", timeout: 30s}
                    expose: [{http: 8080}]
                """);
        berth.start();
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
        logInIfAsked();
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
        assertThat(TestDocker.containers(berth.run)).noneMatch(name -> name.contains("--demo--"));
    }

    @Test
    void the_progress_bar_moves_until_ready_and_the_logs_view_shows_what_the_service_printed() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(berth.url() + "/catalog");
        logInIfAsked();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#template-slow button.launch"))).click();

        // While the service sleeps, the bar shows the steps done so far, then it fills as the stack gets ready.
        java.util.Set<String> seen = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !"READY".equals(textOf(By.id("state")))) {
            for (var bar : browser.findElements(By.id("progress-bar"))) {
                try {
                    seen.add(bar.getAttribute("value"));
                } catch (org.openqa.selenium.WebDriverException e) {
                    // the page replaced the bar between finding and reading it (stale element): read it next round
                }
            }
            Thread.sleep(50);
        }
        assertThat(textOf(By.id("state"))).isEqualTo("READY");
        assertThat(seen).as("progress values seen").anyMatch(v -> !v.equals("0") && !v.equals("100"));
        screenshot("progress-done");

        browser.findElement(By.cssSelector("a.logs-link")).click();
        wait.until(ExpectedConditions.textMatches(By.id("log"), java.util.regex.Pattern.compile(
                "hello from the slow service\\s+serving now")));
        screenshot("logs");
        assertThat(browser.findElement(By.id("download")).getAttribute("href")).endsWith("/logs/web/download");
    }

    /** The tests share one browser: whichever runs first logs in. */
    private static void logInIfAsked() {
        Chromium.logInIfAsked(browser, "admin", BerthInstance.ADMIN_PASSWORD);
    }

    private static String textOf(By by) {
        try {
            return browser.findElement(by).getText();
        } catch (org.openqa.selenium.WebDriverException e) { // gone, stale, or replaced while read (live page)
            return "";
        }
    }

    private static void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
