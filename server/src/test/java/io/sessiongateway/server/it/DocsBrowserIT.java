package io.sessiongateway.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.sessiongateway.server.testing.GatewayHarness;
import io.swagger.v3.oas.models.OpenAPI;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code /docs} in Debian's headless Chromium, driven by Selenium through Debian's chromedriver: the page lists each
 * dialect's operations (every operation of its served document), and "Try it out" of Everruns' list, with a token
 * entered through "Authorize", reaches the gateway and shows its 200. Writes {@code target/docs-page.png}.
 *
 * <p>Skipped when Chromium or chromedriver is missing, unless {@code GATEWAY_TEST_REQUIRE_CHROMIUM=true} (which
 * {@code .ci/run} sets after installing them): then their absence fails the test.
 */
class DocsBrowserIT {
    private static final Path CHROMIUM = Path.of(env("GATEWAY_TEST_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(env("GATEWAY_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final GatewayHarness GATEWAY = new GatewayHarness();

    @TempDir
    static Path profile;

    private static ChromeDriverService service;
    private static WebDriver driver;

    @BeforeAll
    static void startBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "Chromium (" + CHROMIUM + ") or chromedriver (" + CHROMEDRIVER + ") is not installed: "
                    + "apt-get install chromium chromium-driver";
            if (Boolean.parseBoolean(env("GATEWAY_TEST_REQUIRE_CHROMIUM", "false"))) {
                fail(why + " (GATEWAY_TEST_REQUIRE_CHROMIUM=true)");
            }
            Assumptions.abort("skipped: " + why);
        }
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1400,1000",
                        "--user-data-dir=" + Files.createDirectories(profile.resolve("chromium")));
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void thePageListsEachDialectsOperationsAndTryItOutReachesTheGateway() throws IOException {
        driver.get(GATEWAY.baseUri() + "/docs");
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        Select documents =
                new Select(wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".topbar select"))));
        List<String> names =
                documents.getOptions().stream().map(WebElement::getText).toList();
        assertEquals(ApiDocumentsIT.NAMES, names);

        for (String name : List.of("truefoundry", "everruns", "agentcloud", "recoup", "admin")) {
            show(documents, name, wait);
            Set<String> listed = new TreeSet<>();
            for (WebElement op : driver.findElements(By.cssSelector(".opblock .opblock-summary"))) {
                String method = op.findElement(By.cssSelector(".opblock-summary-method"))
                        .getText()
                        .toUpperCase(Locale.ROOT);
                String path =
                        op.findElement(By.cssSelector(".opblock-summary-path")).getAttribute("data-path");
                listed.add(method + " " + path);
            }
            assertEquals(documentOperations(name), listed, name);
        }

        show(documents, "everruns", wait);
        String tenant = GatewayHarness.uniqueTenant();
        driver.findElement(By.cssSelector(".auth-wrapper .btn.authorize")).click();
        WebElement bearer = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//div[contains(@class,'auth-container')][.//h4[contains(., 'bearerAuth')]]")));
        bearer.findElement(By.cssSelector("input")).sendKeys(GatewayHarness.token(tenant, "alice"));
        bearer.findElement(By.cssSelector("button.authorize")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".modal-ux button.btn-done")))
                .click();

        WebElement list =
                driver.findElement(By.xpath("//div[contains(@class,'opblock-get')][.//*[@data-path='/v1/sessions']]"));
        list.findElement(By.cssSelector(".opblock-summary-control")).click();
        clickWhenReady(wait, list, ".try-out__btn");
        clickWhenReady(wait, list, "button.execute");
        WebElement status = wait.until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(
                        list, By.cssSelector(".live-responses-table .response .response-col_status")))
                .get(0);
        assertEquals("200", status.getText().strip());

        long height = (Long) ((JavascriptExecutor) driver).executeScript("return document.body.scrollHeight");
        driver.manage().window().setSize(new Dimension(1400, (int) Math.min(2600, Math.max(1000, height))));
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "docs-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void clickWhenReady(WebDriverWait wait, WebElement within, String css) {
        WebElement target = wait.until(d -> within.findElements(By.cssSelector(css)).stream()
                .filter(e -> e.isDisplayed() && e.isEnabled())
                .findFirst()
                .orElse(null));
        target.click();
    }

    /** Selects a document in the top bar and waits for its operations. */
    private static void show(Select documents, String name, WebDriverWait wait) {
        documents.selectByVisibleText(name);
        wait.until(d -> {
            List<WebElement> title = d.findElements(By.cssSelector(".info .title"));
            return !title.isEmpty()
                    && title.get(0).getText().startsWith(ApiDocumentsIT.title(name))
                    && !d.findElements(By.cssSelector(".opblock")).isEmpty();
        });
    }

    /** {@code METHOD path} of each operation of the served document, paths as the document writes them. */
    private static Set<String> documentOperations(String name) {
        OpenAPI api = ApiDocumentsIT.parse(
                GATEWAY.given().get("/openapi/" + name + ".yaml").asString());
        Set<String> ops = new TreeSet<>();
        api.getPaths()
                .forEach(
                        (path, item) -> item.readOperationsMap().keySet().forEach(m -> ops.add(m.name() + " " + path)));
        return ops;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
