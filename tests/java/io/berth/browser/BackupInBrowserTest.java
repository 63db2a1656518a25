package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.ShippedTemplate;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 24's story in a browser, on the shipped Sacred template (the MongoDB stand-in and Omniboard built here): a
 * run is written through the published port, alice presses "Back up now", deletes the stack with its data, restores
 * the backup into a new stack from her dashboard, and Omniboard on the new stack shows the run.
 */
class BackupInBrowserTest {

    @Test
    void a_sacred_run_survives_backup_delete_and_restore_into_a_new_stack_and_shows_in_omniboard() throws Exception {
        TestDocker.ensureImages("omniboard", "mongo-standin");
        try (BerthInstance berth = new BerthInstance()) {
            ShippedTemplate.start(berth, "sacred", Map.of());
            ChromeDriver browser = Chromium.start();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
                ShippedTemplate.launchInBrowser(browser, wait, berth, "sacred", "exp");
                Matcher shown = Pattern.compile("mongodb://root:([A-Za-z0-9]+)@127\\.0\\.0\\.1:(\\d+)/\\?authSource=admin")
                        .matcher(browser.getPageSource());
                assertThat(shown.find()).as("connection string on the stack page").isTrue();
                SacredInBrowserTest.writeRun(shown.group(0), "lqcd-beta-sweep");

                browser.findElement(By.id("backup-now")).click();
                // the page reloads itself while the backup runs
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr.backup-done")));
                assertThat(browser.findElement(By.id("events")).getText()).contains("Backup: Stopping mongo for a moment");

                browser.findElement(By.name("delete_data")).click();
                browser.findElement(By.id("delete")).click();
                wait.until(ExpectedConditions.alertIsPresent()).accept();
                wait.until(ExpectedConditions.urlContains("/dashboard"));

                WebElement row = wait.until(d -> {
                    d.navigate().refresh();
                    return d.findElements(By.cssSelector("#deleted-backups tr[id^=deleted-backup-]")).stream()
                            .findFirst().orElse(null);
                });
                assertThat(row.getText()).contains("exp (sacred)");
                row.findElement(By.name("name")).sendKeys("exp2");
                row.findElement(By.cssSelector("button[id^=restore-deleted-]")).click();
                wait.until(ExpectedConditions.urlContains("/stacks/alice/exp2"));
                // the page also reloads itself while the restore runs: an element read mid-reload is stale
                new WebDriverWait(browser, Duration.ofSeconds(180)).pollingEvery(Duration.ofSeconds(1))
                        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
                    d.navigate().refresh();
                    String events = d.findElement(By.id("events")).getText();
                    assertThat(events).doesNotContain("failed:");
                    return events.contains("done") && events.contains("Restore of backup")
                            && d.findElement(By.id("state")).getText().equals("READY");
                });

                WebElement link = browser.findElements(By.cssSelector("a.service-link")).stream()
                        .filter(a -> a.getText().contains("omniboard--exp2--alice.localhost")).findFirst()
                        .orElseThrow(() -> new AssertionError("no link to Omniboard's host on the new stack's page"));
                link.click();
                int port = URI.create(berth.url()).getPort();
                wait.until(ExpectedConditions.urlContains("http://omniboard--exp2--alice.localhost:" + port));
                Chromium.untilLoaded(browser, Duration.ofSeconds(60),
                        d -> d.findElement(By.tagName("body")).getText().contains("lqcd-beta-sweep"));
                assertThat(browser.findElement(By.tagName("body")).getText()).contains("lqcd-beta-sweep", "node042");
            } finally {
                browser.quit();
            }
        }
    }
}
