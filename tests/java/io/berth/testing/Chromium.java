package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver. Both paths are given explicitly so Selenium Manager
 * never runs (it would try to download a browser, and nothing outside this host is reachable).
 */
public final class Chromium {
    public static final String BROWSER = "/usr/bin/chromium";
    public static final String DRIVER = "/usr/bin/chromedriver";

    private Chromium() { }

    /** Fills Berth's login form when the page shows it (a browser shared by tests may be logged in already). */
    public static void logInIfAsked(ChromeDriver browser, String user, String password) {
        if (!browser.findElements(org.openqa.selenium.By.id("username")).isEmpty()) {
            browser.findElement(org.openqa.selenium.By.id("username")).sendKeys(user);
            browser.findElement(org.openqa.selenium.By.id("password")).sendKeys(password);
            browser.findElement(org.openqa.selenium.By.id("login")).click();
        }
    }

    /**
     * Clicks "Log out" and waits for the login page: a navigation started before the logout's answer arrives races
     * it, and the logout's cookie removal can then land after the next login.
     */
    public static void logOut(ChromeDriver browser) {
        browser.findElement(org.openqa.selenium.By.id("logout")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(20))
                .until(d -> !d.findElements(org.openqa.selenium.By.id("username")).isEmpty());
    }

    public static ChromeDriver start() throws IOException {
        System.setProperty("webdriver.chrome.driver", DRIVER);
        Path profile = Files.createTempDirectory("berth-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER).addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(DRIVER).toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
