package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.BerthProcess;
import io.berth.testing.Chromium;
import io.berth.testing.ShippedTemplate;
import io.berth.testing.TestDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a newcomer gets from the README's Run line: Berth started in a folder with the shipped templates and no
 * berth.yaml (only the port, a name prefix and the admin password from the environment), on an engine that has the
 * images {@code deploy/images/build.sh} makes but none of the templates' upstream images. The admin launches Sacred
 * from the catalog, a job writes a run through the MongoDB connection string the stack page shows (the host's name,
 * the published port), Omniboard on its own host name shows it; then Jupyter's link opens its welcome notebook, whose cell runs.
 */
class RunLineInBrowserTest {

    @Test
    void the_run_line_s_berth_runs_sacred_and_jupyter_from_the_catalog_with_no_configuration() throws Exception {
        TestDocker.ensureImages("jupyter", "omniboard", "mongo-standin");
        BerthInstance instance = new BerthInstance();
        BerthProcess berth = new BerthProcess(instance);
        for (String t : new String[] {"sacred", "jupyter"}) {
            instance.template(t + ".yaml", Files.readString(Path.of("templates", t + ".yaml")));
        }
        ChromeDriver browser = null;
        try {
            berth.startLikeRunLine();
            browser = Chromium.start();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            try {
                launch(browser, wait, berth.url(), "sacred", "exp");
                assertThat(browser.findElement(By.cssSelector(".image-note")).getText())
                        .contains("development stand-in for MongoDB");
                Matcher shown = Pattern.compile("mongodb://root:[A-Za-z0-9]+@[^\\s/<]+:\\d+/\\?authSource=admin")
                        .matcher(browser.getPageSource());
                assertThat(shown.find()).as("connection string on the stack page").isTrue();
                SacredInBrowserTest.writeRun(shown.group(), "first-steps");

                int port = Integer.parseInt(berth.url().substring(berth.url().lastIndexOf(':') + 1));
                browser.findElements(By.cssSelector("a.service-link")).stream()
                        .filter(a -> a.getText().contains("omniboard--exp--admin.localhost")).findFirst()
                        .orElseThrow(() -> new AssertionError("no link to Omniboard's host on the stack page")).click();
                wait.until(ExpectedConditions.urlContains("http://omniboard--exp--admin.localhost:" + port));
                Chromium.untilLoaded(browser, Duration.ofSeconds(40),
                        d -> d.findElement(By.tagName("body")).getText().contains("first-steps"));

                launch(browser, wait, berth.url(), "jupyter", "nb");
                browser.findElement(By.cssSelector("a.service-link")).click();
                assertThat(JupyterInBrowserTest.runTheWelcomeNotebook(browser, wait,
                        "http://jupyter--nb--admin.localhost:" + port + "/")).contains("for admin in stack nb");
            } catch (TimeoutException e) {
                throw new AssertionError("the page did not get there:" + Chromium.describe(browser)
                        + "\nBerth's log ends:\n" + tail(berth.log()), e);
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
            berth.kill();
            TestDocker.cleanUpInstance(instance.run);
            instance.close();
        }
    }

    private static void launch(ChromeDriver browser, WebDriverWait wait, String url, String template, String stack) {
        ShippedTemplate.launchInBrowser(browser, wait, url, "admin", BerthInstance.ADMIN_PASSWORD, template, stack);
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 3000));
    }
}
