package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.ShippedTemplate;
import io.berth.testing.TestDocker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The shipped jupyter template, unchanged, on the local build that stands in for its image (no {@code images:}
 * mapping, as on the Run line): alice launches it from the catalog, and its link opens the welcome notebook through
 * /user/alice/…, whose cell runs; then she makes a notebook of her own from the file tree and runs {@code print(6*7)}
 * — the answers come back over the kernel's WebSocket through the proxy.
 */
class JupyterInBrowserTest {

    @Test
    void a_notebook_runs_a_cell_through_berth() throws Exception {
        TestDocker.ensureImages("jupyter");
        try (BerthInstance berth = new BerthInstance()) {
            // no images: mapping — the local build stands in for the upstream notebook image, as on the Run line
            ShippedTemplate.start(berth, "jupyter", Map.of());
            ChromeDriver browser = Chromium.start();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
                ShippedTemplate.launchInBrowser(browser, wait, berth, "jupyter", "nb");
                browser.findElement(By.cssSelector("a.service-link")).click();
                assertThat(runTheWelcomeNotebook(browser, wait, "/user/alice/nb/jupyter/"))
                        .contains("for alice in stack nb");
                browser.get(browser.getCurrentUrl().replaceFirst("/notebooks/.*", "/tree"));
                runACell(browser, wait);
            } catch (TimeoutException e) {
                throw new AssertionError("the notebook did not get there; the page:" + Chromium.describe(browser), e);
            } finally {
                browser.quit();
            }
        }
    }

    /**
     * After the stack page's link was followed: waits for the welcome notebook the template writes (served under
     * {@code base}), runs its code cell as it is and returns what the cell printed.
     */
    static String runTheWelcomeNotebook(ChromeDriver browser, WebDriverWait wait, String base) {
        wait.until(ExpectedConditions.urlContains(base + "notebooks/Welcome.ipynb"));
        Chromium.untilLoaded(browser, Duration.ofSeconds(40),
                d -> d.findElement(By.tagName("body")).getText().contains("Welcome to your notebook server"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#kernel_indicator_icon.kernel_idle_icon")));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".code_cell .CodeMirror"))).click();
        new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.ENTER).keyUp(Keys.SHIFT).perform();
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".output_subarea pre")))
                .getText();
    }

    /** On Notebook 6's file tree: makes a Python 3 notebook and runs {@code print(6*7)} in it. */
    static void runACell(ChromeDriver browser, WebDriverWait wait) {
        Chromium.untilLoaded(browser, Duration.ofSeconds(40),
                ExpectedConditions.elementToBeClickable(By.id("new-dropdown-button"))).click();
        String tree = browser.getWindowHandle();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#kernel-python3 a"))).click();
        wait.until(d -> d.getWindowHandles().size() > 1);
        for (String handle : new ArrayList<>(browser.getWindowHandles())) {
            if (!handle.equals(tree)) {
                browser.switchTo().window(handle);
            }
        }
        wait.until(ExpectedConditions.urlContains("/notebooks/"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#kernel_indicator_icon.kernel_idle_icon")));
        WebElement cell = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".cell .CodeMirror")));
        cell.click();
        new Actions(browser).sendKeys("print(6*7)").keyDown(Keys.SHIFT).sendKeys(Keys.ENTER).keyUp(Keys.SHIFT)
                .perform();
        WebElement output = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".output_subarea pre")));
        assertThat(output.getText().trim()).isEqualTo("42");
    }
}
