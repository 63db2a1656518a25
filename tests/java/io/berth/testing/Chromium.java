package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

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

    /**
     * What the page looked like when a wait gave up: its address, title, the start of its visible text and the
     * browser's console (failed loads, script errors, refused content). Meant for a failing test's message.
     */
    public static String describe(ChromeDriver browser) {
        StringBuilder out = new StringBuilder("\n  url: ").append(browser.getCurrentUrl())
                .append("\n  title: ").append(browser.getTitle());
        String text = browser.findElement(org.openqa.selenium.By.tagName("body")).getText();
        out.append("\n  text: ").append(text.length() > 400 ? text.substring(0, 400) + "…" : text);
        out.append("\n  console:");
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            out.append("\n    ").append(entry.getLevel()).append(' ').append(entry.getMessage());
        }
        return out.toString();
    }

    public static ChromeDriver start() throws IOException {
        System.setProperty("webdriver.chrome.driver", DRIVER);
        Path profile = Files.createTempDirectory("berth-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER).addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(DRIVER).toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
