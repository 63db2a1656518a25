package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.auth.Names;
import io.berth.config.BerthConfig;
import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.Keycloak;
import io.berth.testing.KeycloakLogin;
import io.berth.testing.PortalClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * People whose names are not plain lower-case ASCII sign in with single sign-on in a real browser, launch a stack
 * of real containers and open it through the proxy on a path and on a host of its own, and see their name as the
 * provider spells it. Keycloak lower-cases its user names, so the test realm also spells each one in {@code
 * given_name}, the claim this Berth reads ({@code auth.oidc.username_claim}).
 */
@Tag("keycloak")
class SsoNamesInBrowserTest {
    private static Keycloak keycloak;
    private static BerthInstance berth;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.shared();
        berth = new BerthInstance();
        berth.template("pair.yaml", """
                name: pair
                title: A page on a path and one on a host of its own
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && cp /index.html "/www${stack.prefix}/" && exec httpd -f -p 8080 -h /www']
                    expose: [{http: 8080, route: path}]
                  board:
                    image: berth/demo:latest
                    command: [sh, -c, 'mkdir -p /www && cp /index.html /www/ && exec httpd -f -p 8080 -h /www']
                    expose: [{http: 8080, route: host}]
                """);
        BerthConfig c = berth.config();
        c.auth.oidc.issuer = keycloak.issuer();
        c.auth.oidc.clientId = keycloak.clientId();
        c.auth.oidc.clientSecret = keycloak.clientSecret();
        c.auth.oidc.displayName = "Keycloak";
        c.auth.oidc.usernameClaim = "given_name";
        c.auth.oidc.allowedGroups = List.of("LQCD"); // compared as folded names: the claim says lqcd
        berth.start(c);
        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void two_provider_accounts_whose_names_differ_only_in_case_are_not_joined() {
        PortalClient dana = new PortalClient(berth.url());
        assertThat(signIn(dana, "dana.smith", "dana-pass-1").statusCode()).isEqualTo(302);

        PortalClient other = new PortalClient(berth.url());
        HttpResponse<String> refused = signIn(other, "dana2", "dana2-pass-1"); // given_name DANA.SMITH

        assertThat(refused.statusCode()).isEqualTo(409);
        String page = refused.body().replace("&#34;", "\"").replace("&quot;", "\"");
        assertThat(page).contains("You signed in as \"DANA.SMITH\"")
                .contains("the same Berth account as \"Dana.Smith\"");
        assertThat(other.get("/dashboard").statusCode()).as("nobody signed in").isEqualTo(302);
        assertThat(dana.get("/dashboard").body()).contains("<span id=\"whoami\">Dana.Smith</span>");
    }

    private static HttpResponse<String> signIn(PortalClient client, String login, String password) {
        var start = client.get("/login/oidc");
        URI callback = KeycloakLogin.followToCallback(client.http(),
                URI.create(start.headers().firstValue("Location").orElseThrow()), login, password);
        return client.get(callback.getRawPath() + "?" + callback.getRawQuery());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "o'brien-x           | o'brien-x           | obrien-pass-1",
            "Dana.Smith          | dana.smith          | dana-pass-1",
            "jürgen              | jürgen              | juergen-pass-1",
            "anna+ml@example.org | anna+ml@example.org | anna-pass-1"})
    void a_user_whose_name_is_not_plain_signs_in_launches_and_opens_her_services(String spelled, String login,
                                                                               String password) {
        browser.executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
        browser.get(berth.url() + "/dashboard");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("sso-login"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(login);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.textToBe(By.id("whoami"), spelled));

        browser.get(berth.url() + "/catalog");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#template-pair button.launch"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
        assertThat(browser.findElement(By.id("whoami")).getText()).isEqualTo(spelled);

        String key = Names.key(spelled);
        List<String> links = browser.findElements(By.cssSelector("a.service-link")).stream()
                .map(WebElement::getText).toList();
        String onPath = "/user/" + key + "/pair/web/";
        assertThat(links).contains(onPath).anyMatch(l -> l.startsWith("http://board--pair--"));
        browser.get(berth.url() + onPath);
        wait.until(ExpectedConditions.textToBe(By.id("greeting"), "Hello from a Berth stack"));
        assertThat(browser.getCurrentUrl()).isEqualTo(berth.url() + onPath);

        String onHost = links.stream().filter(l -> l.startsWith("http://board--pair--")).findFirst().orElseThrow();
        browser.get(onHost);
        wait.until(ExpectedConditions.textToBe(By.id("greeting"), "Hello from a Berth stack"));
        assertThat(browser.getCurrentUrl()).startsWith(onHost);

        browser.get(berth.url() + "/dashboard");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("logout"))).click();
        wait.until(ExpectedConditions.urlToBe(berth.url() + "/login"));
    }
}
