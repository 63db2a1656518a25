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
 * Quotas as people meet them: bob sees his usage bars fill up; his group's stack quota is full and he reads why a
 * launch for the group is refused; an admin raises the group's limit on the quotas page; bob's next launch for the
 * group starts; the admin sees the stacks on "All stacks" and stops one.
 */
class QuotaInBrowserTest {

    @Test
    void a_user_sees_his_usage_and_an_admin_raises_his_limit() throws Exception {
        try (EchoServer echo = new EchoServer(); BerthInstance berth = new BerthInstance()) {
            BerthConfig config = berth.config();
            config.quotas.user = new BerthConfig.Limit(1, 0, 0, "0");
            config.quotas.group = new BerthConfig.Limit(1, 0, 0, "0");
            berth.template("board.yaml", java.nio.file.Files.readString(java.nio.file.Path.of("templates/demo.yaml"))
                    .replace("name: demo", "name: board\nowner_kinds: [user, group]"));
            berth.startOnLoopback(config, echo.port());
            PortalClient setup = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            setup.get("/admin/users");
            setup.post("/admin/users", Map.of("username", "bob", "password", "bob-password"));
            var jdbi = org.jdbi.v3.core.Jdbi.create("jdbc:h2:file:" + berth.home.resolve("data/berth"), "berth", "");
            long bobId = jdbi.withHandle(h -> h.createQuery("SELECT id FROM users WHERE username = 'bob'")
                    .mapTo(Long.class).one());
            new io.berth.store.GroupStore(jdbi).replaceMemberships(bobId, "sso", java.util.List.of("lqcd"));

            ChromeDriver browser = Chromium.start();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(berth.url() + "/dashboard");
                Chromium.logInIfAsked(browser, "bob", "bob-password");
                wait.until(ExpectedConditions.textToBe(By.id("whoami"), "bob"));
                assertThat(browser.findElement(By.cssSelector("#usage-stacks .usage-text")).getText())
                        .isEqualTo("0 of 1");

                launch(browser, wait, "demo", "first", null);
                wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
                browser.get(berth.url() + "/dashboard");
                assertThat(browser.findElement(By.cssSelector("#usage-stacks .usage-text")).getText()).isEqualTo("1 of 1");
                WebElement fill = browser.findElement(By.cssSelector("#usage-stacks .usage-fill"));
                assertThat(fill.getAttribute("class")).contains("full");
                assertThat(fill.getSize().getWidth()).as("a full bar")
                        .isGreaterThan(browser.findElement(By.cssSelector("#usage-stacks .usage-track")).getSize().getWidth() - 2);

                launch(browser, wait, "board", "team", "lqcd");
                wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
                launch(browser, wait, "board", "second", "lqcd");
                assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#template-board .form-error")))
                        .getText()).contains("the group lqcd uses 1 stack of its 1 stack").contains("ask an admin");

                Chromium.logOut(browser);
                browser.get(berth.url() + "/admin/quotas");
                Chromium.logInIfAsked(browser, "admin", BerthInstance.ADMIN_PASSWORD);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quota-@lqcd")));
                assertThat(browser.findElement(By.id("quota-@lqcd")).getText()).contains("Stacks: 1 of 1");
                WebElement stacks = browser.findElement(By.cssSelector("input[form='q-@lqcd'][name=stacks]"));
                stacks.clear();
                stacks.sendKeys("2");
                browser.findElement(By.id("save-@lqcd")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Limits of @lqcd saved"));
                Chromium.logOut(browser);

                browser.get(berth.url() + "/dashboard");
                Chromium.logInIfAsked(browser, "bob", "bob-password");
                wait.until(ExpectedConditions.textToBe(By.id("whoami"), "bob"));
                launch(browser, wait, "board", "second", "lqcd");
                wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
                assertThat(browser.getCurrentUrl()).endsWith("/stacks/@lqcd/second");
                Chromium.logOut(browser);

                browser.get(berth.url() + "/admin/stacks");
                Chromium.logInIfAsked(browser, "admin", BerthInstance.ADMIN_PASSWORD);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("all-@lqcd-second")));
                assertThat(browser.findElement(By.id("all-bob-first")).getText()).contains("READY").contains("0.25")
                        .contains("32 MiB");
                browser.findElement(By.cssSelector("#all-bob-first button.stop")).click();
                wait.until(ExpectedConditions.textToBe(By.id("state"), "STOPPED"));
            } finally {
                browser.quit();
            }
        }
    }

    private static void launch(ChromeDriver browser, WebDriverWait wait, String template, String name, String group) {
        browser.findElement(By.linkText("Catalog")).click();
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#template-" + template + " input[name=name]")));
        field.clear();
        field.sendKeys(name);
        if (group != null) {
            new org.openqa.selenium.support.ui.Select(browser.findElement(
                    By.cssSelector("#template-" + template + " select[name=group]"))).selectByValue(group);
        }
        browser.findElement(By.cssSelector("#template-" + template + " button.launch")).click();
    }
}
