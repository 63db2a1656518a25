package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.ShippedTemplate;
import io.berth.testing.TestDocker;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The shipped sacred template, unchanged, on the locally built images (an {@code images:} mapping to Omniboard from
 * npm and the MongoDB stand-in): alice launches it from the catalog; a Sacred-style run is written with the MongoDB
 * Java driver through the published port and the connection string her stack page shows (the stack's own password,
 * SCRAM-SHA-256); she opens Omniboard on its own host name through Berth and finds the run's experiment in its table.
 */
class SacredInBrowserTest {

    @Test
    void a_run_written_through_the_published_port_appears_in_omniboard_opened_through_berth() throws Exception {
        TestDocker.ensureImages("omniboard", "mongo-standin");
        try (BerthInstance berth = new BerthInstance()) {
            // no images: mapping — the local builds stand in for mongo:8.0 and Omniboard, as on the Run line
            ShippedTemplate.start(berth, "sacred", Map.of());
            ChromeDriver browser = Chromium.start();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
                ShippedTemplate.launchInBrowser(browser, wait, berth, "sacred", "exp");
                assertThat(browser.findElement(By.cssSelector(".image-note")).getText())
                        .as("the stack page says the MongoDB is a stand-in")
                        .contains("berth/mongo-standin:1.47.0 is a development stand-in for MongoDB");
                WebElement copy = browser.findElement(By.cssSelector("button.copy[data-copy=connection-0]"));
                copy.click();
                wait.until(d -> !copy.getText().equals("Copy")); // "Copied", or the text selected for Ctrl+C

                // what a job on a compute node does: Sacred's MongoObserver, here the Java driver, at the string shown
                Matcher shown = Pattern.compile("mongodb://root:([A-Za-z0-9]+)@127\\.0\\.0\\.1:(\\d+)/\\?authSource=admin")
                        .matcher(browser.getPageSource());
                assertThat(shown.find()).as("connection string on the stack page").isTrue();
                try (MongoClient client = MongoClients.create(shown.group(0) + "&serverSelectionTimeoutMS=10000")) {
                    client.getDatabase("sacred").getCollection("runs").insertOne(sacredRun(1, "lqcd-beta-sweep"));
                }
                String wrong = "mongodb://root:not-the-password@127.0.0.1:" + shown.group(2)
                        + "/?authSource=admin&serverSelectionTimeoutMS=10000";
                try (MongoClient intruder = MongoClients.create(wrong)) {
                    assertThatThrownBy(() -> intruder.getDatabase("sacred").getCollection("runs").countDocuments())
                            .isInstanceOf(MongoSecurityException.class);
                }

                WebElement link = browser.findElements(By.cssSelector("a.service-link")).stream()
                        .filter(a -> a.getText().contains("omniboard--exp--alice.localhost")).findFirst()
                        .orElseThrow(() -> new AssertionError("no link to Omniboard's host on the stack page"));
                link.click();
                int port = URI.create(berth.url()).getPort();
                wait.until(ExpectedConditions.urlContains("http://omniboard--exp--alice.localhost:" + port + "/sacred"));
                Chromium.untilLoaded(browser, Duration.ofSeconds(40),
                        d -> d.findElement(By.tagName("body")).getText().contains("lqcd-beta-sweep"));
                assertThat(browser.findElement(By.tagName("body")).getText())
                        .contains("1 experiments", "node042", "0.917"); // its host and result, as Sacred wrote them
            } finally {
                browser.quit();
            }
        }
    }

    /**
     * What a job on a compute node does with the connection string the stack page shows: Sacred's MongoObserver
     * (here the MongoDB Java driver) writes a finished run of experiment {@code experiment} into database "sacred".
     */
    static void writeRun(String connection, String experiment) {
        try (MongoClient client = MongoClients.create(connection
                + (connection.contains("?") ? "&" : "?") + "serverSelectionTimeoutMS=10000")) {
            client.getDatabase("sacred").getCollection("runs").insertOne(sacredRun(1, experiment));
        }
    }

    /** A run document as Sacred's MongoObserver (format MongoObserver-0.7.0) writes it when a run has finished. */
    private static Document sacredRun(int id, String experiment) {
        Date now = new Date();
        return new Document("_id", id)
                .append("experiment", new Document("name", experiment).append("base_dir", "/home/alice/lqcd")
                        .append("sources", List.of()).append("dependencies", List.of("numpy==1.26.4", "sacred==0.8.5"))
                        .append("repositories", List.of()).append("mainfile", "sweep.py"))
                .append("format", "MongoObserver-0.7.0").append("command", "main")
                .append("host", new Document("hostname", "node042").append("cpu", "AMD EPYC").append("os", List.of("Linux"))
                        .append("python_version", "3.11.2"))
                .append("start_time", now).append("heartbeat", now).append("stop_time", now).append("status", "COMPLETED")
                .append("config", new Document("beta", 6.0).append("lattice", "32x64").append("seed", 42))
                .append("meta", new Document("command", "main").append("options", new Document()))
                .append("resources", List.of()).append("artifacts", List.of()).append("captured_out", "")
                .append("info", new Document()).append("result", 0.917);
    }
}
