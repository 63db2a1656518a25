package io.berth.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testing.BerthInstance;
import io.berth.testing.Chromium;
import io.berth.testing.TestDocker;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The launch form is generated from the template's parameters, refuses a bad value by field, launches a good one. */
class LaunchFormTest {
    private static BerthInstance berth;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        TestDocker.ensureDemoImage();
        berth = new BerthInstance();
        berth.template("greeter.yaml", """
                name: greeter
                title: Greeter
                parameters:
                  greeting: {type: string, label: Greeting, regex: "[a-z ]{1,20}", default: hello, help: Lower-case words.}
                  size: {type: int, label: Size, min: 1, max: 3, default: 1}
                  tone: {type: choice, label: Tone, choices: [calm, loud], default: calm}
                  sign: {type: bool, label: Sign it}
                services:
                  web:
                    image: berth/demo:latest
                    command: [sh, -c, 'mkdir -p "/www${stack.prefix}" && echo "<p id=g>${param.greeting}/${param.size}/${param.tone}/${param.sign}</p>" > "/www${stack.prefix}/index.html" && exec httpd -f -p 8080 -h /www']
                    expose: [{http: 8080}]
                """);
        berth.start();
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void the_form_shows_the_parameters_refuses_a_bad_value_by_field_and_launches_a_good_one() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(berth.url() + "/catalog");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        Chromium.logInIfAsked(browser, "admin", BerthInstance.ADMIN_PASSWORD);

        WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("template-greeter")));
        WebElement greeting = card.findElement(By.name("param.greeting"));
        assertThat(greeting.getAttribute("value")).isEqualTo("hello");
        assertThat(card.getText()).contains("Greeting", "Size", "Tone", "Sign it", "Lower-case words.");
        assertThat(new Select(card.findElement(By.name("param.tone"))).getOptions()).extracting(WebElement::getText)
                .containsExactly("calm", "loud");

        greeting.clear();
        greeting.sendKeys("Hello!");
        card.findElement(By.cssSelector("button.launch")).click();
        card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("template-greeter")));
        assertThat(card.findElement(By.className("form-error")).getText()).isEqualTo("Greeting must match [a-z ]{1,20}.");
        assertThat(card.findElement(By.name("param.greeting")).getAttribute("class")).contains("invalid");
        assertThat(card.findElement(By.name("param.greeting")).getAttribute("value")).isEqualTo("Hello!");

        card.findElement(By.name("param.greeting")).clear();
        card.findElement(By.name("param.greeting")).sendKeys("good day");
        WebElement size = card.findElement(By.name("param.size"));
        size.clear();
        size.sendKeys("3");
        new Select(card.findElement(By.name("param.tone"))).selectByVisibleText("loud");
        card.findElement(By.name("param.sign")).click();
        card.findElement(By.cssSelector("button.launch")).click();

        wait.until(ExpectedConditions.textToBe(By.id("state"), "READY"));
        assertThat(browser.findElement(By.className("values")).getText()).contains("greeting good day", "size 3", "tone loud");
        browser.findElement(By.cssSelector("a.service-link")).click();
        wait.until(ExpectedConditions.textToBe(By.id("g"), "good day/3/loud/true"));
    }
}
