package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.EchoServer;
import io.berth.testing.PortalClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Quotas as people meet them: bob sees his usage bars fill up and reads why a launch is refused; an admin raises his
 * limit on the quotas page; bob's next launch starts; the admin sees both stacks on "All stacks" and stops one.
 */
class QuotaInBrowserTest {

    @Test
    void a_user_sees_his_usage_and_an_admin_raises_his_limit() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            config.quotas.user = new BerthConfig.Limit(1, 0, 0, "0");
            berth.startOnLoopback(config, echo.port());
            PortalClient setup = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            setup.get("/admin/users");
            setup.post("/admin/users", Map.of("username", "bob", "password", "bob-password"));

            ChromeDriver browser = Chromium.start();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(berth.url() + "/dashboard");
                Chromium.logInIfAsked(browser, "bob", "bob-password");
                wait.until(ExpectedConditions.textToBe(By.id("whoami"), "bob"));
                assertThat(browser.findElement(By.cssSelector("#usage-stacks .usage-text")).getText())
                        .isEqualTo("0 of 1");

                launch(browser, wait, "first");
                wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
                browser.get(berth.url() + "/dashboard");
                assertThat(browser.findElement(By.cssSelector("#usage-stacks .usage-text")).getText()).isEqualTo("1 of 1");
                WebElement fill = browser.findElement(By.cssSelector("#usage-stacks .usage-fill"));
                assertThat(fill.getAttribute("class")).contains("full");
                assertThat(fill.getSize().getWidth()).as("a full bar")
                        .isGreaterThan(browser.findElement(By.cssSelector("#usage-stacks .usage-track")).getSize().getWidth() - 2);

                launch(browser, wait, "second");
                assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#template-demo .form-error")))
                        .getText()).contains("but you use 1 stack of your 1 stack").contains("ask an admin");

                browser.findElement(By.id("logout")).click();
                browser.get(berth.url() + "/admin/quotas");
                Chromium.logInIfAsked(browser, "admin", BerthInstance.ADMIN_PASSWORD);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quota-bob")));
                WebElement stacks = browser.findElement(By.cssSelector("#quota-bob input[name=stacks]"));
                stacks.clear();
                stacks.sendKeys("2");
                browser.findElement(By.id("save-bob")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Limits of bob saved"));
                browser.findElement(By.id("logout")).click();

                browser.get(berth.url() + "/dashboard");
                Chromium.logInIfAsked(browser, "bob", "bob-password");
                wait.until(ExpectedConditions.textToBe(By.id("whoami"), "bob"));
                assertThat(browser.findElement(By.cssSelector("#usage-stacks .usage-text")).getText()).isEqualTo("1 of 2");
                launch(browser, wait, "second");
                wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
                browser.findElement(By.id("logout")).click();

                browser.get(berth.url() + "/admin/stacks");
                Chromium.logInIfAsked(browser, "admin", BerthInstance.ADMIN_PASSWORD);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("all-bob-second")));
                assertThat(browser.findElement(By.id("all-bob-first")).getText()).contains("READY").contains("0.25")
                        .contains("32 MiB");
                browser.findElement(By.cssSelector("#all-bob-first button.stop")).click();
                wait.until(ExpectedConditions.textToBe(By.id("state"), "STOPPED"));
            } finally {
                browser.quit();
            }
        }
    }

    private static void launch(ChromeDriver browser, WebDriverWait wait, String name) {
        browser.findElement(By.linkText("Catalog")).click();
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#template-demo input[name=name]")));
        field.clear();
        field.sendKeys(name);
        browser.findElement(By.cssSelector("#template-demo button.launch")).click();
    }
}
