package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.logging.Level;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

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
        for (String line : READ.getOrDefault(browser, List.of())) {
            out.append("\n    (before a reload) ").append(line);
        }
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            out.append("\n    ").append(entry.getLevel()).append(' ').append(entry.getMessage());
        }
        return out.toString();
    }

    /** Console lines {@link #untilLoaded} read (reading them empties the browser's log), for {@link #describe}. */
    private static final Map<ChromeDriver, List<String>> READ = java.util.Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Waits up to {@code perAttempt} for {@code condition} on the current page; when it does not come and the
     * browser's console shows a load cut with {@code ERR_NETWORK_CHANGED}, reloads the page and waits again (three
     * attempts in all). Chromium aborts every load in flight when the host's network addresses change, and on a test
     * host each new Docker network and container adds some (a veth's IPv6 link-local address appears a second or two
     * after its container starts), so a page whose scripts were cut never renders (Jupyter: "require is not
     * defined"). A user's browser on another machine never sees this; any other failure ends the wait at once.
     */
    public static <T> T untilLoaded(ChromeDriver browser, Duration perAttempt, ExpectedCondition<T> condition) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new WebDriverWait(browser, perAttempt).until(condition);
            } catch (TimeoutException e) {
                List<String> lines = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .map(entry -> entry.getLevel() + " " + entry.getMessage()).toList();
                READ.computeIfAbsent(browser, b -> new ArrayList<>()).addAll(lines);
                if (attempt == 3 || lines.stream().noneMatch(l -> l.contains("ERR_NETWORK_CHANGED"))) {
                    throw e;
                }
                System.out.println("the page's loads were cut by a change of the host's network; reloading "
                        + browser.getCurrentUrl());
                browser.navigate().refresh();
            }
        }
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
