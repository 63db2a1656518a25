package io.berth.browser;

import static io.berth.testing.Stacks.launch;
import static io.berth.testing.Stacks.waitForState;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.PortalClient;
import io.berth.testing.TestDocker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Usage as people see it, on real Docker with a reading every second: a service burning CPU draws its CPU graph on
 * the stack page within a few readings, the range links switch to the day; the dashboard shows the stack's CPU now;
 * and All stacks sorted by memory lists a stack holding ~100 MB above one holding almost nothing, with the host's
 * cores above.
 */
class UsageInBrowserTest {
    /** A service of the tiny demo image running {@code command}, held to a fifth of a core. */
    private static String template(String name, String command) {
        return """
                name: %s
                title: Runs %s
                services:
                  work:
                    image: berth/demo:latest
                    command: [sh, -c, "%s"]
                    resources: {cpu: 0.2, memory: 256m}
                    expose: [{tcp: 8080}]
                    health: none
                """.formatted(name, name, command);
    }

    @Test
    void a_busy_service_draws_its_cpu_graph_and_all_stacks_sorts_the_big_one_first() throws Exception {
        TestDocker.ensureDemoImage();
        try (BerthInstance berth = new BerthInstance()) {
            berth.template("small.yaml", template("small", "sleep 100000"));
            // 100 MB resident: dd's buffer, its pipe never read
            berth.template("big.yaml", template("big", "dd if=/dev/zero bs=100M count=1 | sleep 100000"));
            berth.template("burn.yaml", template("burn", "while :; do :; done"));
            BerthConfig config = berth.config();
            config.usage.intervalSeconds = 1;
            berth.start(config);
            PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
            for (String stack : List.of("small", "big", "burn")) {
                launch(admin, stack, stack);
            }
            for (String stack : List.of("small", "big", "burn")) {
                assertThat(waitForState(admin, "/stacks/admin/" + stack, "READY", Duration.ofSeconds(30)))
                        .as(stack).isEqualTo("READY");
            }

            ChromeDriver browser = Chromium.start();
            try {
                browser.get(berth.url() + "/stacks/admin/burn");
                Chromium.logInIfAsked(browser, "admin", BerthInstance.ADMIN_PASSWORD);
                // the page does not update itself: reload until two readings after the first are in (a rate needs two)
                String cpuLine = "#chart-work-cpu path.line-cpu";
                reloadUntil(browser, "two CPU points", () -> points(browser, cpuLine) >= 2);
                WebElement chart = browser.findElement(By.id("chart-work-cpu"));
                assertThat(chart.findElement(By.cssSelector("svg")).getSize().getWidth()).as("drawn, not hidden")
                        .isGreaterThan(100);
                assertThat(chart.findElement(By.cssSelector("text.top")).getText()).as("its busiest reading")
                        .matches("0\\.\\d\\d cores").isNotEqualTo("0.00 cores");
                assertThat(browser.findElement(By.cssSelector("#chart-work-memory text.limit-label")).getText())
                        .isEqualTo("limit 256 MiB");
                assertThat(browser.findElements(By.cssSelector("#chart-work-network path"))).hasSize(2);
                assertThat(browser.findElement(By.cssSelector(".range[data-range='1h']")).getTagName())
                        .as("the range shown is not a link").isEqualTo("strong");

                browser.findElement(By.cssSelector("a.range[data-range='24h']")).click();
                new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("?usage=24h"));
                assertThat(browser.findElement(By.cssSelector(".range[data-range='24h']")).getTagName())
                        .isEqualTo("strong");
                assertThat(browser.findElement(By.cssSelector("#chart-work-cpu text.since")).getText())
                        .isEqualTo("24 hours ago");
                assertThat(points(browser, cpuLine)).as("the five minutes under way").isPositive();

                browser.get(berth.url() + "/dashboard");
                assertThat(browser.findElement(By.cssSelector("#stack-burn .cpu-now")).getText())
                        .matches("0\\.\\d\\d cores");

                browser.get(berth.url() + "/admin/stacks?sort=memory");
                reloadUntil(browser, "big's memory read", () -> browser.findElement(
                        By.cssSelector("#all-admin-big .memory-now")).getText().matches("\\d{2,3}(\\.\\d)? MiB"));
                List<String> order = browser.findElements(By.cssSelector("#all-stacks tbody tr")).stream()
                        .map(row -> row.getAttribute("id")).toList();
                assertThat(order.indexOf("all-admin-big")).as("%s", order)
                        .isLessThan(order.indexOf("all-admin-small")).isZero();
                String bigMemory = browser.findElement(By.cssSelector("#all-admin-big .memory-now")).getText();
                assertThat(Double.parseDouble(bigMemory.replace(" MiB", ""))).isBetween(90.0, 130.0);
                assertThat(browser.findElement(By.id("sort-memory")).getAttribute("class")).contains("sorted");
                assertThat(browser.findElement(By.id("total-memory")).getText()).endsWith("MiB");
                assertThat(browser.findElement(By.id("host-cores")).getText()).as("the engine's info").matches("[1-9]\\d*");

                browser.findElement(By.id("sort-cpu")).click();
                new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("?sort=cpu"));
                assertThat(browser.findElement(By.cssSelector("#all-stacks tbody tr")).getAttribute("id"))
                        .isEqualTo("all-admin-burn");
            } finally {
                browser.quit();
            }
        }
    }

    private static int points(ChromeDriver browser, String path) {
        List<WebElement> found = browser.findElements(By.cssSelector(path));
        return found.isEmpty() ? 0 : Integer.parseInt(found.get(0).getAttribute("data-points"));
    }

    private static void reloadUntil(ChromeDriver browser, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within 20 s:%s", what, Chromium.describe(browser)).isLessThan(deadline);
            io.berth.testing.Stacks.sleep(500);
            browser.navigate().refresh();
        }
    }
}
