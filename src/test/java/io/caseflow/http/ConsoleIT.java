package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
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
 * The ops console in a real browser (Debian's headless chromium, driven by Selenium) against a
 * running node: sign in, find the case, submit it as the analyst and approve it as the reviewer
 * from the page, see a comment made over the API appear live, see the chain verified; an error is
 * shown by its code; the operator's and the tenant admin's pages; a narrow screen. A screenshot of
 * every step is kept under {@code target/console-screenshots}.
 */
class ConsoleIT {

  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Paths.get("target", "console-screenshots");
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private RunningCaseflow node;
  private WebDriver browser;
  private Path browserTemp;
  private WebDriverWait wait;
  private String story;
  private int step;

  @BeforeEach
  void start(TestInfo test) throws IOException {
    story = test.getTestMethod().orElseThrow().getName();
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "The console test needs Debian's chromium and chromedriver at /usr/bin: run"
              + " `apt-get install -y chromium chromium-driver` (.ci/run does when they are missing)");
    }
    Files.createDirectories(SCREENSHOTS);
    node = RunningCaseflow.onH2();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800");
    // Chromium leaves its profile and singleton-socket directories in TMPDIR when it is quit;
    // a directory of the test's own is removed after it.
    browserTemp = Files.createTempDirectory("caseflow-console-");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .withEnvironment(Map.of("TMPDIR", browserTemp.toString()))
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, PATIENCE);
  }

  /** The page as the test left it, passed or failed. */
  @AfterEach
  void stop() {
    if (browser != null) {
      try {
        screenshot("end");
      } finally {
        browser.quit();
      }
    }
    if (browserTemp != null) {
      RunningCaseflow.deleteRecursively(browserTemp);
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anAnalystAndAReviewerMoveACaseFromThePageAndSeeOthersLive() throws Exception {
    ApiClient api = new ApiClient(node.baseUrl());
    api.openCase("alice", "console-1", "Console Ltd");
    api.openCase("alice", "console-2", "Second Console Ltd");
    api.openCase("alice", "console-3", "Third Console Ltd", "{\"riskLevel\":\"low\"}");
    assertEquals(200, api.post("/cases/console-3/actions/submit", "alice", "{}").status());
    api.awaitReadSideIdle();

    assertEquals(
        Optional.of(PageRoutes.CONSOLE_POLICY),
        api.get("/console/", null).header("Content-Security-Policy"),
        "the page may load and call nothing but this service");
    browser.get(node.baseUrl() + "/console");
    visible("#sign-in");
    assertSignedOutHeader();
    screenshot("sign-in");
    browser.manage().window().setSize(new Dimension(390, 844));
    assertSignedOutHeader();
    assertFitsTheWidth();
    screenshot("sign-in-narrow");
    browser.manage().window().setSize(new Dimension(1280, 800));

    signInAs("alice");
    assertTrue(browser.findElement(By.id("nav")).isDisplayed(), "the navigation, once signed in");
    assertTrue(browser.findElement(By.id("sign-out")).isDisplayed(), "Sign out, once signed in");
    WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText("console-1")));
    assertTrue(visible("#stats-chart").getText().contains("due-diligence · draft"));
    List<WebElement> bars = browser.findElements(By.cssSelector("#stats-chart .fill"));
    assertEquals(2, bars.size(), "draft: 2 cases, in_review: 1");
    double half = (double) bars.get(1).getSize().getWidth() / bars.get(0).getSize().getWidth();
    assertTrue(Math.abs(half - 0.5) < 0.05, "bars drawn to scale under the page's policy: " + half);

    screenshot("cases");

    link.click();
    awaitFact("State", "draft");
    awaitText("#chain-status", "verified (1 events)");
    assertActionsAsExplained(api, "alice", "console-1");
    assertEquals(
        "submit · needs riskLevel",
        browser.findElement(By.cssSelector("[data-action='submit']")).getText(),
        "a button names what its action still needs");
    screenshot("case-draft");

    new Select(browser.findElement(By.id("field-riskLevel"))).selectByValue("low");
    browser.findElement(By.cssSelector("[data-action='submit']")).click();
    awaitFact("State", "in_review");
    assertEquals(
        List.of(),
        browser.findElements(By.cssSelector("[data-action='approve']")),
        "not for alice");
    assertActionsAsExplained(api, "alice", "console-1");
    screenshot("case-submitted");

    signOut();
    assertSignedOutHeader();
    signInAs("bob");
    visible("a[data-section='inbox']").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#inbox-list tbody"), "console-3"));
    String inbox = visible("#inbox-list tbody").getText();
    assertTrue(inbox.contains("console-1") && inbox.contains("approve"), inbox);
    assertFalse(inbox.contains("console-2"), "a draft is not the reviewer's to act on: " + inbox);
    screenshot("inbox");

    visible("#inbox-list").findElement(By.linkText("console-1")).click();
    awaitFact("State", "in_review");
    awaitText("[data-testid='arrived']", "submit by alice");
    awaitText("[data-testid='deadlines']", "Deadline: escalate by the system");
    awaitText("#refused-actions [data-refused='submit']", "invalid_transition");
    awaitText("#refused-actions [data-refused='escalate']", "deadline_pending");
    assertActionsAsExplained(api, "bob", "console-1");
    screenshot("case-explained");
    browser.findElement(By.cssSelector("[data-action='approve']")).click();
    awaitFact("State", "approved");
    assertActionsAsExplained(api, "bob", "console-1");
    screenshot("case-approved");

    assertEquals(
        201,
        api.post("/cases/console-1/comments", "alice", "{\"text\":\"filed with the registry\"}")
            .status());
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("timeline"), "filed with the registry"));
    awaitText("#chain-status", "verified (4 events)");
    assertEquals(4, browser.findElements(By.cssSelector("#timeline li")).size());
    assertActionsAsExplained(api, "bob", "console-1");
    screenshot("case-live-comment");

    // A burst of live updates, each re-reading the case while the one before may still be on its
    // way: the page ends on the last, its lists from one answer.
    for (int i = 1; i <= 8; i++) {
      assertEquals(
          201,
          api.post("/cases/console-1/comments", "alice", "{\"text\":\"note " + i + "\"}").status());
    }
    awaitText("#chain-status", "verified (12 events)");
    assertActionsAsExplained(api, "bob", "console-1");
    browser.manage().window().setSize(new Dimension(1280, 1500));
    screenshot("case-whole-page");

    browser.manage().window().setSize(new Dimension(390, 844));
    assertFitsTheWidth();
    screenshot("case-narrow");
    browser.manage().window().setSize(new Dimension(1280, 800));
  }

  /**
   * The README's walkthrough case, opened as the walkthrough opens it and submitted by alice, on
   * the reviewer's page: the screenshot {@code docs/console-case.png} is a copy of (the whole page,
   * 1280 pixels wide).
   */
  @Test
  void theWalkthroughCaseAsTheReviewerSeesIt() throws Exception {
    ApiClient api = new ApiClient(node.baseUrl());
    assertEquals(
        201,
        api.post(
                "/cases",
                "alice",
                "{\"id\":\"acme-42\",\"workflow\":\"due-diligence\",\"subject\":\"ACME-LTD-0042\","
                    + "\"title\":\"Acme Ltd onboarding\",\"data\":{\"riskLevel\":\"high\"}}")
            .status());
    assertEquals(200, api.post("/cases/acme-42/actions/submit", "alice", null).status());

    browser.get(node.baseUrl() + "/console/");
    signInAs("bob");
    browser.get(node.baseUrl() + "/console/#/cases/acme-42");
    awaitFact("State", "in_review");
    awaitText("#chain-status", "verified (2 events)");
    awaitText("#live-status", "live");
    awaitText("[data-testid='deadlines']", "Deadline: escalate by the system");
    assertActionsAsExplained(api, "bob", "acme-42");
    assertEquals(
        List.of("request changes · needs comment", "approve", "reject · needs comment"),
        browser.findElements(By.cssSelector("#action-buttons [data-action]")).stream()
            .map(WebElement::getText)
            .toList());
    assertEquals(2, browser.findElements(By.cssSelector("#timeline li")).size());
    // The window as tall as the page (plus what the window has around its viewport).
    Number height =
        (Number)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return document.documentElement.scrollHeight"
                        + " + window.outerHeight - window.innerHeight;");
    browser.manage().window().setSize(new Dimension(1280, height.intValue()));
    screenshot("readme-case");
  }

  @Test
  void refusalsAreShownByTheirCodeAndOperatorsAndAdminsHaveTheirPages() throws Exception {
    browser.get(node.baseUrl() + "/console/");
    visible("#token").sendKeys("not-a-token");
    browser.findElement(By.cssSelector("#token-form button[type='submit']")).click();
    awaitText("[data-testid='problem-code']", "unauthenticated");
    screenshot("refused-token");

    signInAs("oscar");
    visible("a[data-section='operations']").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#lag-table tbody"), "case-slice-0"));
    awaitText("#rebuild-phase", "idle");
    screenshot("operations");

    signOut();
    ApiClient api = new ApiClient(node.baseUrl());
    assertEquals(404, api.post("/cases/nowhere/actions/approve", "alice", "{}").status());
    Eventually.awaitTrue(
        "the refusal on record",
        PATIENCE,
        () -> api.get("/refusals", "carol").json().get("items").size() == 1);
    signInAs("carol");
    visible("a[data-section='administration']").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#refusal-table tbody"), "case_not_found"));
    screenshot("administration");

    browser.get(node.baseUrl() + "/console/#/cases/no-such-case");
    awaitText("[data-testid='problem-code']", "case_not_found");
    screenshot("case-not-found");
  }

  /**
   * The case page shows each action of the case's explanation for {@code user} exactly once: a
   * button when the user can take it (allowed, or allowed once given the field or comment it asks
   * for), else under "cannot do" with its code. The page is read in one script, so a render that
   * lands meanwhile cannot mix two answers, once it shows the explained version.
   */
  @SuppressWarnings("unchecked")
  private void assertActionsAsExplained(ApiClient api, String user, String caseId) {
    JsonNode explained = api.get("/cases/" + caseId + "/explain", user).json();
    String version = explained.get("version").asText();
    Set<String> takeable = new TreeSet<>();
    Map<String, String> refused = new TreeMap<>();
    for (JsonNode verdict : explained.get("actions")) {
      if (verdict.get("allowed").asBoolean()
          || verdict.get("code").asText().equals("missing_field")) {
        takeable.add(verdict.get("action").asText());
      } else {
        refused.put(verdict.get("action").asText(), verdict.get("code").asText());
      }
    }
    Map<String, Object> page =
        wait.until(
            driver -> {
              Map<String, Object> read =
                  (Map<String, Object>)
                      ((JavascriptExecutor) driver)
                          .executeScript(
                              "const version = document.querySelector(\"[data-fact='Version']\");"
                                  + " const all = (css) => [...document.querySelectorAll(css)];"
                                  + " return { version: version ? version.textContent : null,"
                                  + " buttons: all('#action-buttons [data-action]')"
                                  + ".map((b) => b.dataset.action),"
                                  + " refused: all('#refused-actions [data-refused]')"
                                  + ".map((li) => [li.dataset.refused, li.textContent]) };");
              return version.equals(read.get("version")) ? read : null;
            });
    List<String> buttons = (List<String>) page.get("buttons");
    List<List<String>> refusedItems = (List<List<String>>) page.get("refused");
    List<String> listed = refusedItems.stream().map(item -> item.get(0)).toList();
    Set<String> both = new TreeSet<>(buttons);
    both.retainAll(listed);
    assertEquals(Set.of(), both, "actions both a button and under 'cannot do'");
    assertEquals(buttons.size(), new TreeSet<>(buttons).size(), "a button twice: " + buttons);
    assertEquals(listed.size(), new TreeSet<>(listed).size(), "refused twice: " + listed);
    assertEquals(takeable, new TreeSet<>(buttons), "the buttons");
    assertEquals(refused.keySet(), new TreeSet<>(listed), "the actions under 'cannot do'");
    for (List<String> item : refusedItems) {
      String code = refused.get(item.get(0));
      assertTrue(item.get(1).contains(code), item.get(1) + " names its code " + code);
    }
  }

  /** No sideways scrolling at the window's width (once the page has laid itself out again). */
  private void assertFitsTheWidth() {
    new WebDriverWait(browser, PATIENCE)
        .withMessage("the page fits the window's width, with no sideways scrolling")
        .until(
            driver ->
                ((Number)
                            ((JavascriptExecutor) driver)
                                .executeScript(
                                    "return document.documentElement.scrollWidth - window.innerWidth;"))
                        .intValue()
                    <= 1);
  }

  /** Signed out, the header shows neither the sections nor "Sign out". */
  private void assertSignedOutHeader() {
    assertFalse(browser.findElement(By.id("nav")).isDisplayed(), "the navigation, signed out");
    assertFalse(browser.findElement(By.id("whoami")).isDisplayed(), "who is signed in, signed out");
    assertFalse(browser.findElement(By.id("sign-out")).isDisplayed(), "Sign out, signed out");
    assertEquals(
        "sign-in-title",
        browser.switchTo().activeElement().getAttribute("id"),
        "focus on the sign-in view's heading, as on every view's");
  }

  private void signInAs(String user) {
    visible("[data-demo='" + user + "']").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("[data-testid='principal']"), user + " @"));
  }

  private void signOut() {
    visible("#sign-out").click();
    visible("#sign-in");
  }

  private WebElement visible(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  private void awaitText(String css, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  private void awaitFact(String term, String value) {
    wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-fact='" + term + "']"), value));
  }

  private void screenshot(String name) {
    Path file = SCREENSHOTS.resolve(String.format("%s-%02d-%s.png", story, ++step, name));
    try {
      Files.copy(
          ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
          file,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
