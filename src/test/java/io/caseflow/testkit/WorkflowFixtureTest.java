package io.caseflow.testkit;

import static io.caseflow.testkit.CaseCommands.by;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.HashChain;
import io.caseflow.cases.HashEncoding;
import io.caseflow.cases.Principal;
import io.caseflow.testing.TestWorkflows;
import io.caseflow.testkit.WorkflowFixture.Scenario;
import io.caseflow.workflow.WorkflowDefinitionException;
import io.caseflow.workflow.WorkflowRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test kit a Caseflow user tests their own workflow with: it must say no when it should. */
class WorkflowFixtureTest {

  static final Principal ANALYST = new Principal("alice", "acme", Set.of("analyst"));
  static final Principal REVIEWER = new Principal("bob", "acme", Set.of("reviewer"));

  private final WorkflowFixture fixture = WorkflowFixture.of(TestWorkflows.DIRECTORY);

  @Test
  void givenHistoriesAreSealedIntoAChainTheServiceCouldHaveRecorded() {
    Scenario submitted =
        fixture
            .givenOpened("alice", TestWorkflows.ONBOARDING, Map.of("riskLevel", "low"))
            .andCommented("alice", "first look")
            .andPerformed("alice", "submit");

    List<CaseEvent> history = submitted.history();
    assertEquals(List.of(1L, 2L, 3L), history.stream().map(CaseEvent::seq).toList());
    assertTrue(HashChain.firstBrokenSeq(history).isEmpty());
    ActionPerformed submit = (ActionPerformed) history.get(2);
    assertEquals("draft", submit.from());
    assertEquals("in_review", submit.to(), "as the workflow moves the case");
  }

  @Test
  void rawGivenEventsArePlacedOnTheCaseAndRechained() {
    Scenario opened = fixture.givenOpened("alice", TestWorkflows.ONBOARDING, Map.of());
    CommentAdded foreign =
        new CommentAdded(
            "elsewhere",
            "globex",
            "alice",
            Instant.EPOCH,
            42,
            "note",
            null,
            "bogus",
            HashEncoding.CURRENT.version(),
            "bogus",
            null);

    Scenario commented = fixture.given(opened.history().get(0), foreign);

    CommentAdded placed = (CommentAdded) commented.history().get(1);
    assertEquals("c-1", placed.caseId());
    assertEquals("acme", placed.tenant());
    assertEquals(2, placed.seq());
    assertEquals("note", placed.text());
    assertTrue(HashChain.firstBrokenSeq(commented.history()).isEmpty());
  }

  @Test
  void eventsAreStampedInMicrosecondsAsTheServiceKeepsTime() {
    Instant precise = Instant.parse("2026-03-01T10:00:00.123456789Z");
    var commented =
        fixture
            .at(precise)
            .givenOpened("alice", TestWorkflows.ONBOARDING, Map.of())
            .after(java.time.Duration.ofNanos(2_500))
            .when(by(ANALYST).comment("note"))
            .expectEvent(CommentAdded.class);
    assertEquals(Instant.parse("2026-03-01T10:00:00.123458Z"), commented.at());
  }

  @Test
  void expectationsThatDoNotHoldFail() {
    Scenario opened = fixture.givenOpened("alice", TestWorkflows.ONBOARDING, Map.of());

    var refused = opened.when(by(REVIEWER).perform("submit"));
    assertThrows(AssertionError.class, () -> refused.expectEvent(ActionPerformed.class));
    assertThrows(AssertionError.class, refused::view);
    assertThrows(AssertionError.class, () -> refused.expectRejected(ErrorCode.MISSING_FIELD));
    refused.expectRejected(ErrorCode.FORBIDDEN);

    var accepted = opened.when(by(ANALYST).comment("fine"));
    assertThrows(AssertionError.class, () -> accepted.expectRejected(ErrorCode.FORBIDDEN));
    assertThrows(AssertionError.class, () -> accepted.expectEvent(ActionPerformed.class));
    assertThrows(AssertionError.class, accepted::expectUnchanged);
    assertThrows(AssertionError.class, accepted::expectReplayed);
    accepted.expectEvent(CommentAdded.class);
  }

  @Test
  void givenActionsMustExistInTheCasesWorkflow() {
    Scenario opened = fixture.givenOpened("alice", TestWorkflows.ONBOARDING, Map.of());
    assertThrows(IllegalArgumentException.class, () -> opened.andPerformed("alice", "teleport"));
    assertThrows(
        IllegalStateException.class, () -> fixture.givenNothing().andCommented("alice", "hi"));
    assertThrows(
        IllegalArgumentException.class, () -> fixture.givenOpened("alice", "nope", Map.of()));
  }

  @Test
  void theReadmesExampleHoldsForTheShippedWorkflows() {
    Principal erin = new Principal("erin", "acme", Set.of("analyst", "reviewer"));
    WorkflowFixture shipped = WorkflowFixture.of(Path.of("conf/workflows"));

    shipped
        .givenOpened("erin", "due-diligence", Map.of("riskLevel", "high"))
        .andPerformed("erin", "submit")
        .when(CaseCommands.by(erin).perform("approve"))
        .expectRejected(ErrorCode.FOUR_EYES_VIOLATION);
    shipped
        .givenOpened("erin", "due-diligence", Map.of("riskLevel", "high"))
        .andPerformed("alice", "submit")
        .when(CaseCommands.by(erin).perform("approve"))
        .expectEvent(ActionPerformed.class);
  }

  @Test
  void aDefinitionGivenAsTextIsTestedAndRefusedLikeAFile() throws Exception {
    String onboarding = Files.readString(TestWorkflows.DIRECTORY.resolve("onboarding.conf"));
    WorkflowFixture inline =
        WorkflowFixture.of(WorkflowRegistry.fromString("inline.conf", onboarding));
    inline
        .givenOpened("alice", TestWorkflows.ONBOARDING, Map.of())
        .when(by(ANALYST).perform("submit"))
        .expectRejected(ErrorCode.MISSING_FIELD);

    WorkflowDefinitionException refused =
        assertThrows(
            WorkflowDefinitionException.class,
            () ->
                WorkflowRegistry.fromString(
                    "inline.conf",
                    onboarding.replace("initial-state = draft", "initial-state = x")));
    assertTrue(refused.getMessage().contains("inline.conf"), refused.getMessage());
  }

  @Test
  void aBrokenDefinitionIsRefusedWithItsProblems(@TempDir Path directory) throws Exception {
    Files.writeString(
        directory.resolve("broken.conf"),
        Files.readString(TestWorkflows.DIRECTORY.resolve("onboarding.conf"))
            .replace("to = in_review", "to = nowhere"));

    WorkflowDefinitionException refused =
        assertThrows(WorkflowDefinitionException.class, () -> WorkflowFixture.of(directory));
    assertTrue(refused.getMessage().contains("nowhere"), refused.getMessage());
  }
}
