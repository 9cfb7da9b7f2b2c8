package io.caseflow.workflow;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowRegistryTest {

  /**
   * The smallest definition that exercises every part of the format. Each rejection test appends
   * one change to it; HOCON lets a later line replace a value ({@code initial-state = x}) or extend
   * a list ({@code actions += {...}}).
   */
  private static final String VALID =
      """
      name = review
      version = 1
      states = [open, checked, done]
      initial-state = open
      terminal-states = [done]
      roles = [clerk, supervisor]
      fields {
        priority { type = enum, values = [low, high] }
      }
      actions = [
        { name = check, from = [open], to = checked, roles = [clerk] }
        { name = approve, from = [checked], to = done, roles = [supervisor], requires = [priority] }
      ]
      maker-checker = [
        { checker = approve, makers = [check] }
      ]
      """;

  private static final String FILE = "review.conf";

  @TempDir Path dir;

  @Test
  void loadsThePackagedDueDiligenceWorkflow() {
    WorkflowRegistry registry = WorkflowRegistry.fromClasspath();

    Workflow dueDiligence = registry.version("due-diligence", 1).orElseThrow();
    assertAll(
        () ->
            assertEquals(
                List.of(
                    "draft", "in_review", "changes_requested", "approved", "rejected", "closed"),
                dueDiligence.states()),
        () -> assertEquals("draft", dueDiligence.initialState()),
        () -> assertEquals(Set.of("closed"), dueDiligence.terminalStates()),
        () -> assertEquals(Set.of("submit", "resubmit"), dueDiligence.makersOf("approve")));
  }

  @Test
  void loadsThePackagedInsuranceClaimWorkflow() {
    WorkflowRegistry registry = WorkflowRegistry.fromClasspath();

    assertTrue(registry.latest("insurance-claim").isPresent());
  }

  @Test
  void acceptsTheBaseDefinitionTheOtherTestsBreak() throws IOException {
    writeValidWith(FILE);

    Workflow review = WorkflowRegistry.fromDirectory(dir).latest("review").orElseThrow();

    assertEquals(Set.of("check"), review.makersOf("approve"));
  }

  @Test
  void rejectsActionLeavingUnknownState() throws IOException {
    assertRejectedWith(
        "action 'reopen' leaves unknown state 'archived'",
        "actions += { name = reopen, from = [archived], to = open, roles = [supervisor] }");
  }

  @Test
  void rejectsActionLeadingToUnknownState() throws IOException {
    assertRejectedWith(
        "action 'escalate' leads to unknown state 'escalated'",
        "actions += { name = escalate, from = [checked], to = escalated, roles = [supervisor] }");
  }

  @Test
  void rejectsStateNoPathLeadsTo() throws IOException {
    assertRejectedWith(
        "state 'orphan' is unreachable from 'open'",
        "states = [open, checked, done, orphan]",
        "actions += { name = adopt, from = [orphan], to = open, roles = [clerk] }");
  }

  @Test
  void rejectsActionNameDeclaredTwice() throws IOException {
    assertRejectedWith(
        "action 'check' is declared more than once",
        "actions += { name = check, from = [checked], to = done, roles = [clerk] }");
  }

  @Test
  void rejectsActionLeavingTerminalState() throws IOException {
    assertRejectedWith(
        "action 'reopen' leaves terminal state 'done'",
        "actions += { name = reopen, from = [done], to = open, roles = [supervisor] }");
  }

  @Test
  void rejectsActionAllowingUndeclaredRole() throws IOException {
    assertRejectedWith(
        "action 'audit' names unknown role 'auditor'",
        "actions += { name = audit, from = [checked], to = done, roles = [auditor] }");
  }

  @Test
  void rejectsMakerCheckerNamingUnknownCheckerAction() throws IOException {
    assertRejectedWith(
        "maker-checker pair for 'sign_off' names unknown checker action 'sign_off'",
        "maker-checker += { checker = sign_off, makers = [check] }");
  }

  @Test
  void rejectsMakerCheckerNamingUnknownMakerAction() throws IOException {
    assertRejectedWith(
        "maker-checker pair for 'approve' names unknown maker action 'prepare'",
        "maker-checker = [{ checker = approve, makers = [prepare] }]");
  }

  @Test
  void rejectsMisspelledTopLevelKey() throws IOException {
    assertRejectedWith("the definition has unknown key 'intial-state'", "intial-state = open");
  }

  @Test
  void rejectsInitialStateThatIsNotDeclared() throws IOException {
    assertRejectedWith("initial-state 'start' is not a declared state", "initial-state = start");
  }

  @Test
  void rejectsNonTerminalStateNoActionLeaves() throws IOException {
    assertRejectedWith(
        "state 'parked' is not terminal but no action leaves it",
        "states = [open, checked, done, parked]",
        "actions += { name = park, from = [checked], to = parked, roles = [clerk] }");
  }

  @Test
  void rejectsActionRequiringUndeclaredField() throws IOException {
    assertRejectedWith(
        "action 'escalate' requires undeclared field 'reason'",
        "actions += { name = escalate, from = [checked], to = done, roles = [supervisor],"
            + " requires = [reason] }");
  }

  @Test
  void rejectsPersonalTextsOtherThanSubjectAndTitle() throws IOException {
    assertRejectedWith(
        "'personal' lists 'assignee': only subject and title", "personal = [subject, assignee]");
  }

  @Test
  void readsWhatIsPersonal() throws IOException {
    writeValidWith(
        FILE, "personal = [title]", "fields { passport { type = string, personal = true } }");
    Workflow review = WorkflowRegistry.fromDirectory(dir).latest("review").orElseThrow();
    assertTrue(review.personalTitle());
    assertFalse(review.personalSubject());
    assertTrue(review.isPersonalField("passport"));
    assertTrue(review.holdsPersonalData());
  }

  @Test
  void rejectsEnumFieldWithoutValues() throws IOException {
    assertRejectedWith("enum field 'channel' declares no values", "fields.channel { type = enum }");
  }

  @Test
  void rejectsSameNameAndVersionInTwoFiles() throws IOException {
    writeValidWith("review.conf");
    writeValidWith("review-copy.conf");

    String message = rejection();

    assertAll(
        () -> assertTrue(message.contains("review.conf"), message),
        () -> assertTrue(message.contains("review-copy.conf"), message),
        () -> assertTrue(message.contains("'review' version 1"), message));
  }

  @Test
  void rejectsDirectoryWithoutDefinitions() {
    String message = rejection();

    assertAll(
        () -> assertTrue(message.contains(dir.toString()), message),
        () -> assertTrue(message.contains("holds no workflow definition (*.conf)"), message));
  }

  @Test
  void reportsEveryProblemOfOneFileInOneMessage() throws IOException {
    writeValidWith(
        FILE, "actions += { name = escalate, from = [limbo], to = nowhere, roles = [auditor] }");

    String message = rejection();

    assertAll(
        () -> assertTrue(message.contains(FILE), message),
        () ->
            assertTrue(message.contains("action 'escalate' leaves unknown state 'limbo'"), message),
        () ->
            assertTrue(
                message.contains("action 'escalate' leads to unknown state 'nowhere'"), message),
        () ->
            assertTrue(
                message.contains("action 'escalate' names unknown role 'auditor'"), message));
  }

  private static final String ESCALATE =
      "actions += { name = escalate, from = [checked], to = done, roles = [] }";

  @Test
  void readsDeadlinesAndTheDueDate() throws IOException {
    writeValidWith(
        FILE,
        ESCALATE,
        "fields.dueAt { type = instant }",
        "deadlines = [{ state = checked, after = 72h, action = escalate }]",
        "due = { field = dueAt, action = escalate }");

    Workflow review = WorkflowRegistry.fromDirectory(dir).latest("review").orElseThrow();

    assertEquals(
        List.of(new Deadline("checked", Duration.ofHours(72), "escalate")),
        review.deadlinesIn("checked"));
    assertEquals("dueAt", review.due().orElseThrow().field());
  }

  @Test
  void rejectsDeadlineWhoseActionDoesNotLeaveItsState() throws IOException {
    assertRejectedWith(
        "deadline in 'open': action 'escalate' does not leave 'open'",
        ESCALATE,
        "deadlines = [{ state = open, after = 1h, action = escalate }]");
  }

  @Test
  void rejectsDeadlineInUnknownOrTerminalStateOrOfNoTime() throws IOException {
    assertRejectedWith(
        "deadline in 'nowhere': no such state",
        ESCALATE,
        "deadlines = [{ state = checked, after = 1h, action = escalate },"
            + " { state = nowhere, after = 1h, action = escalate }]");
    assertRejectedWith(
        "deadline in 'done': a terminal state is never left",
        ESCALATE,
        "deadlines = [{ state = checked, after = 1h, action = escalate },"
            + " { state = done, after = 1h, action = escalate }]");
    assertRejectedWith(
        "'after' must be longer than zero",
        ESCALATE,
        "deadlines = [{ state = checked, after = 0s, action = escalate }]");
  }

  @Test
  void rejectsDeadlineWhoseActionNeedsWhatTheSystemLacks() throws IOException {
    assertRejectedWith(
        "action 'approve' requires data or a comment",
        "deadlines = [{ state = checked, after = 1h, action = approve }]");
    assertRejectedWith(
        "deadline in 'checked': no action 'vanish'",
        ESCALATE,
        "deadlines = [{ state = checked, after = 1h, action = vanish },"
            + " { state = checked, after = 2h, action = escalate }]");
  }

  @Test
  void rejectsActionWithoutRolesThatNoDeadlineTakes() throws IOException {
    assertRejectedWith("action 'escalate' allows no role, and no deadline takes it", ESCALATE);
  }

  @Test
  void rejectsDueDateOnAFieldThatIsNoInstant() throws IOException {
    assertRejectedWith(
        "'due': field 'priority' must be a declared instant field",
        ESCALATE,
        "due = { field = priority, action = escalate }");
  }

  @Test
  void rejectsMigrationFromNoOlderVersionOrToUnknownStates() throws IOException {
    assertRejectedWith(
        "migration from version 1: must come from an older version than 1",
        "migrations = [{ from-version = 1, states { open = open } }]");
    writeValidWith("review-v1.conf");
    assertRejectedWith(
        "migration from version 1: 'checked' leads to unknown state 'gone'",
        "version = 2",
        "migrations = [{ from-version = 1, states { open = open, checked = gone } }]");
  }

  @Test
  void rejectsMigrationMappingAStateTheOlderVersionLacks() throws IOException {
    writeValidWith("review-v1.conf");
    writeValidWith(
        FILE, "version = 2", "migrations = [{ from-version = 1, states { ghost = open } }]");

    String message = rejection();

    assertTrue(message.contains("maps 'ghost', which is no state of v1"), message);
  }

  @Test
  void reportsOlderStatesAMigrationMapsNowhereWithoutRefusingThem() throws IOException {
    writeValidWith("review-v1.conf");
    writeValidWith(
        FILE, "version = 2", "migrations = [{ from-version = 1, states { open = open } }]");

    WorkflowRegistry registry = WorkflowRegistry.fromDirectory(dir);

    assertEquals(
        List.of("review v2: cases of v1 in [checked, done] have no state to move to"),
        registry.migrationGaps());
    assertEquals(
        Optional.of("open"),
        registry.version("review", 2).orElseThrow().migrationFrom(1).orElseThrow().target("open"));
  }

  @Test
  void latestIsTheHighestVersionAndOlderVersionsStayAvailable() throws IOException {
    writeValidWith("review-v1.conf");
    writeValidWith(
        "review-v2.conf",
        "version = 2",
        "terminal-states = [done, withdrawn]",
        "states = [open, checked, done, withdrawn]",
        "actions += { name = withdraw, from = [open, checked], to = withdrawn, roles = [clerk] }");

    WorkflowRegistry registry = WorkflowRegistry.fromDirectory(dir);

    Workflow latest = registry.latest("review").orElseThrow();
    Workflow first = registry.version("review", 1).orElseThrow();
    assertAll(
        () -> assertEquals(2, latest.version()),
        () -> assertTrue(latest.action("withdraw").isPresent()),
        () -> assertEquals(1, first.version()),
        () -> assertTrue(first.action("withdraw").isEmpty()));
  }

  /** Writes the valid definition with {@code changes} appended and expects it refused. */
  private void assertRejectedWith(String problem, String... changes) throws IOException {
    writeValidWith(FILE, changes);

    String message = rejection();

    assertAll(
        () -> assertTrue(message.contains(FILE), "names the file: " + message),
        () -> assertTrue(message.contains(problem), "names the problem: " + message));
  }

  private String rejection() {
    return assertThrows(
            WorkflowDefinitionException.class, () -> WorkflowRegistry.fromDirectory(dir))
        .getMessage();
  }

  /** Writes the valid definition into {@code fileName}, followed by {@code changes}, one a line. */
  private void writeValidWith(String fileName, String... changes) throws IOException {
    Files.writeString(
        dir.resolve(fileName), VALID + String.join("\n", changes), StandardCharsets.UTF_8);
  }
}
