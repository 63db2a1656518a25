package io.berth.testing;

import io.berth.config.BerthConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A template of templates/, unchanged, on locally built images: the end-to-end tests of real applications start a
 * Berth with it and an {@code images:} mapping, add alice, and have her launch it from the catalog in a browser.
 */
public final class ShippedTemplate {
    private ShippedTemplate() { }

    /** Starts {@code berth} with templates/{@code name}.yaml and the given image mapping; alice can log in. */
    public static void start(BerthInstance berth, String name, Map<String, String> images) throws IOException {
        berth.template(name + ".yaml", Files.readString(Path.of("templates", name + ".yaml")));
        BerthConfig config = berth.config();
        config.images.putAll(images);
        berth.start(config);
        PortalClient admin = new PortalClient(berth.url()).login("admin", BerthInstance.ADMIN_PASSWORD);
        admin.get("/admin/users");
        admin.post("/admin/users", Map.of("username", "alice", "password", "alice-password"));
    }

    /** alice launches the template as {@code stack} from the catalog page and waits until it is READY. */
    public static void launchInBrowser(ChromeDriver browser, WebDriverWait wait, BerthInstance berth, String template,
                                       String stack) {
        launchInBrowser(browser, wait, berth.url(), "alice", "alice-password", template, stack);
    }

    /** {@code user} (logging in when asked) launches the template as {@code stack} from the catalog; waits for READY. */
    public static void launchInBrowser(ChromeDriver browser, WebDriverWait wait, String url, String user,
                                       String password, String template, String stack) {
        browser.get(url + "/catalog");
        Chromium.logInIfAsked(browser, user, password);
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#template-" + template + " input[name=name]")));
        name.clear();
        name.sendKeys(stack);
        browser.findElement(By.cssSelector("#template-" + template + " button.launch")).click();
        wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
    }
}
