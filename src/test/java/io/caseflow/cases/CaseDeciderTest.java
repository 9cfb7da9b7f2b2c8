package io.caseflow.cases;

import static io.caseflow.cases.TestPrincipals.ALICE;
import static io.caseflow.cases.TestPrincipals.BOB;
import static io.caseflow.cases.TestPrincipals.CAROL;
import static io.caseflow.cases.TestPrincipals.DAVE;
import static io.caseflow.cases.TestPrincipals.ERIN;
import static io.caseflow.testing.TestWorkflows.ONBOARDING;
import static io.caseflow.testkit.CaseCommands.by;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.CaseCommand.Explain;
import io.caseflow.cases.CaseCommand.FireDeadline;
import io.caseflow.cases.CaseCommand.MigrateWorkflow;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseEvent.WorkflowMigrated;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.testing.TestWorkflows;
import io.caseflow.testkit.WorkflowFixture;
import io.caseflow.testkit.WorkflowFixture.Scenario;
import io.caseflow.workflow.WorkflowRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A case's rules, decided without an actor or a journal. */
class CaseDeciderTest {

  static final Instant START = Instant.parse("2026-11-22T09:00:00Z");

  private final WorkflowFixture fixture = WorkflowFixture.of(TestWorkflows.REGISTRY).at(START);

  @Test
  void opensCaseInInitialStateOfLatestWorkflow() {
    var outcome =
        fixture
            .givenNothing()
            .when(
                by(ALICE)
                    .withTitle("Acme Ltd onboarding")
                    .withData(Map.of("riskLevel", "high"))
                    .withIdempotencyKey("k-open")
                    .open(ONBOARDING, "ACME-LTD-0042"));

    CaseOpened opened = outcome.expectEvent(CaseOpened.class);
    assertEquals(
        HashChain.seal(
            new CaseOpened(
                "c-1",
                "acme",
                "alice",
                START,
                1,
                ONBOARDING,
                1,
                "ACME-LTD-0042",
                "Acme Ltd onboarding",
                "draft",
                Map.of("riskLevel", "high"),
                opened.requestKey(),
                HashChain.GENESIS,
                HashEncoding.CURRENT.version(),
                null,
                null)),
        opened);
    assertEquals("k-open", opened.requestKey().key());
    CaseView view = outcome.view();
    assertEquals("draft", view.state());
    assertEquals(1, view.version());
    assertEquals("acme", view.tenant());
  }

  @Test
  void titleDefaultsToSubject() {
    var outcome = fixture.givenNothing().when(by(ALICE).open(ONBOARDING, "ACME-7"));
    assertEquals("ACME-7", outcome.expectEvent(CaseOpened.class).title());
  }

  @Test
  void rejectsOpenOfUnknownWorkflow() {
    fixture
        .givenNothing()
        .when(by(ALICE).open("no-such-flow", "S"))
        .expectRejected(ErrorCode.UNKNOWN_WORKFLOW);
  }

  @Test
  void rejectsOpenWithoutWorkflow() {
    Rejected rejected =
        fixture
            .givenNothing()
            .when(by(ALICE).open(" ", "S"))
            .expectRejected(ErrorCode.MISSING_FIELD);
    assertEquals("workflow", rejected.args().get("field"));
  }

  @Test
  void rejectsOpenByRoleThatMayNotOpen() {
    fixture.givenNothing().when(by(BOB).open(ONBOARDING, "S")).expectRejected(ErrorCode.FORBIDDEN);
  }

  @Test
  void rejectsOpenWithoutSubject() {
    Rejected rejected =
        fixture
            .givenNothing()
            .when(by(ALICE).open(ONBOARDING, " "))
            .expectRejected(ErrorCode.MISSING_FIELD);
    assertEquals("subject", rejected.args().get("field"));
  }

  @Test
  void rejectsDataFieldTheWorkflowDoesNotDeclare() {
    Rejected rejected =
        fixture
            .givenNothing()
            .when(by(ALICE).withData(Map.of("shoeSize", 42)).open(ONBOARDING, "S"))
            .expectRejected(ErrorCode.INVALID_FIELD);
    assertEquals("shoeSize", rejected.args().get("field"));
  }

  @Test
  void rejectsValueOutsideEnumeration() {
    Rejected rejected =
        fixture
            .givenNothing()
            .when(by(ALICE).withData(Map.of("riskLevel", "extreme")).open(ONBOARDING, "S"))
            .expectRejected(ErrorCode.INVALID_FIELD);
    assertEquals("riskLevel", rejected.args().get("field"));
  }

  @Test
  void rejectsSecondOpenOfSameCase() {
    Rejected rejected =
        opened(Map.of())
            .when(by(ALICE).open(ONBOARDING, "S"))
            .expectRejected(ErrorCode.CASE_ALREADY_EXISTS);
    assertEquals(Map.of("caseId", "c-1"), rejected.args());
  }

  @Test
  void commandsToCaseThatDoesNotExistAreCaseNotFound() {
    fixture.givenNothing().when(by(ALICE).get()).expectRejected(ErrorCode.CASE_NOT_FOUND);
    fixture
        .givenNothing()
        .when(by(ALICE).perform("submit"))
        .expectRejected(ErrorCode.CASE_NOT_FOUND);
  }

  @Test
  void anotherTenantCannotSeeOrChangeTheCase() {
    Scenario opened = opened(Map.of("riskLevel", "low"));
    opened.when(by(DAVE).get()).expectRejected(ErrorCode.CASE_NOT_FOUND);
    opened.when(by(DAVE).perform("submit")).expectRejected(ErrorCode.CASE_NOT_FOUND);
    opened.when(by(DAVE).open(ONBOARDING, "S")).expectRejected(ErrorCode.CASE_NOT_FOUND);
    fixture
        .givenNothing()
        .when(by(DAVE).open(ONBOARDING, "S"))
        .expectRejected(ErrorCode.CASE_NOT_FOUND);
  }

  @Test
  void getAnswersCurrentStateWithoutWriting() {
    assertEquals(
        "draft", opened(Map.of("riskLevel", "low")).when(by(BOB).get()).expectUnchanged().state());
  }

  @Test
  void submitMovesDraftToReview() {
    var outcome =
        opened(Map.of("riskLevel", "medium"))
            .after(Duration.ofMinutes(5))
            .when(
                by(ALICE)
                    .withComment("ready")
                    .withData(Map.of("jurisdiction", "UK"))
                    .perform("submit"));

    ActionPerformed performed = outcome.expectEvent(ActionPerformed.class);
    assertEquals("submit", performed.action());
    assertEquals("draft", performed.from());
    assertEquals("in_review", performed.to());
    assertEquals("alice", performed.actor());
    assertEquals(START.plus(Duration.ofMinutes(5)), performed.at());
    assertEquals(2, performed.seq());
    CaseView view = outcome.view();
    assertEquals("in_review", view.state());
    assertEquals(2, view.version());
    assertEquals(Map.of("riskLevel", "medium", "jurisdiction", "UK"), view.data());
  }

  @Test
  void rejectsActionNotAllowedInCurrentState() {
    Rejected rejected =
        opened(Map.of("riskLevel", "low"))
            .when(by(BOB).perform("approve"))
            .expectRejected(ErrorCode.INVALID_TRANSITION);
    assertEquals(Map.of("caseId", "c-1", "state", "draft", "action", "approve"), rejected.args());
  }

  @Test
  void rejectsActionTheWorkflowDoesNotHave() {
    opened(Map.of("riskLevel", "low"))
        .when(by(ALICE).perform("teleport"))
        .expectRejected(ErrorCode.UNKNOWN_ACTION);
  }

  @Test
  void rejectsActionByRoleNotAllowedToTakeIt() {
    opened(Map.of("riskLevel", "low"))
        .when(by(BOB).perform("submit"))
        .expectRejected(ErrorCode.FORBIDDEN);
  }

  @Test
  void rejectsSubmitUntilRequiredFieldIsKnown() {
    Scenario opened = opened(Map.of());
    Rejected rejected =
        opened.when(by(ALICE).perform("submit")).expectRejected(ErrorCode.MISSING_FIELD);
    assertEquals("riskLevel", rejected.args().get("field"));

    assertEquals(
        "in_review",
        opened
            .when(by(ALICE).withData(Map.of("riskLevel", "high")).perform("submit"))
            .view()
            .state());
  }

  @Test
  void rejectsRequestForChangesWithoutComment() {
    Rejected rejected =
        submitted()
            .when(by(BOB).perform("request_changes"))
            .expectRejected(ErrorCode.MISSING_FIELD);
    assertEquals("comment", rejected.args().get("field"));
  }

  @Test
  void rejectsApproveByTheSubmitter() {
    Scenario submittedByErin =
        fixture
            .givenOpened("erin", ONBOARDING, Map.of("riskLevel", "low"))
            .andPerformed("erin", "submit");

    Rejected rejected =
        submittedByErin
            .when(by(ERIN).perform("approve"))
            .expectRejected(ErrorCode.FOUR_EYES_VIOLATION);
    assertEquals("submit", rejected.args().get("makerAction"));
    submittedByErin
        .when(by(ERIN).withComment("no").perform("reject"))
        .expectRejected(ErrorCode.FOUR_EYES_VIOLATION);
    assertEquals("approved", submittedByErin.when(by(BOB).perform("approve")).view().state());
  }

  @Test
  void fourEyesRuleAlsoBindsWhoeverResubmitted() {
    submitted()
        .andPerformed("bob", "request_changes", "add the register extract", Map.of())
        .andPerformed("erin", "resubmit")
        .when(by(ERIN).perform("approve"))
        .expectRejected(ErrorCode.FOUR_EYES_VIOLATION);
  }

  @Test
  void caseRunsFromDraftToClosed() {
    var closing =
        submitted()
            .when(by(BOB).withComment("missing UBO").perform("request_changes"))
            .then()
            .when(by(ALICE).withData(Map.of("ownershipVerified", true)).perform("resubmit"))
            .then()
            .when(by(BOB).withComment("fine").perform("approve"))
            .then()
            .when(by(CAROL).perform("close"));
    assertEquals("closed", closing.view().state());
    assertEquals(6, closing.view().version());

    Scenario closed = closing.then();
    closed.when(by(ALICE).perform("submit")).expectRejected(ErrorCode.INVALID_TRANSITION);
    closed.when(by(CAROL).assign("bob")).expectRejected(ErrorCode.INVALID_TRANSITION);
    assertEquals(
        7, closed.when(by(CAROL).comment("archived")).expectEvent(CommentAdded.class).seq());
  }

  @Test
  void withdrawClosesADraft() {
    assertEquals("closed", opened(Map.of()).when(by(ALICE).perform("withdraw")).view().state());
  }

  @Test
  void rejectsChangeBasedOnStaleVersion() {
    Scenario opened = opened(Map.of("riskLevel", "low"));
    Rejected rejected =
        opened
            .when(by(ALICE).ifMatch(7).perform("submit"))
            .expectRejected(ErrorCode.VERSION_CONFLICT);
    assertEquals(Map.of("caseId", "c-1", "expected", "7", "actual", "1"), rejected.args());

    assertEquals(2, opened.when(by(ALICE).ifMatch(1).perform("submit")).view().version());
  }

  @Test
  void retryWithSameIdempotencyKeyReplaysAndWritesNothing() {
    var open = by(ALICE).withData(Map.of("riskLevel", "low")).withIdempotencyKey("open-1");
    var submit = by(ALICE).withIdempotencyKey("submit-1");
    Scenario submitted =
        fixture
            .givenNothing()
            .when(open.open(ONBOARDING, "S"))
            .then()
            .when(submit.perform("submit"))
            .then();

    assertEquals(new Replayed(2), submitted.when(submit.perform("submit")).expectReplayed());
    assertEquals(new Replayed(1), submitted.when(open.open(ONBOARDING, "S")).expectReplayed());
    assertEquals(2, ((Active) submitted.state()).version());
  }

  @Test
  void rejectsSameIdempotencyKeyWithDifferentRequest() {
    var keyed = by(BOB).withIdempotencyKey("k-1");
    submitted()
        .when(keyed.withComment("more").perform("request_changes"))
        .then()
        .when(keyed.withComment("other words").perform("request_changes"))
        .expectRejected(ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }

  @Test
  void remembersOnlyABoundedWindowOfIdempotencyKeys() {
    Scenario scenario = opened(Map.of());
    for (int i = 0; i <= CaseState.IDEMPOTENCY_WINDOW; i++) {
      scenario = scenario.when(by(ALICE).withIdempotencyKey("key-" + i).comment("note")).then();
    }
    Active state = (Active) scenario.state();
    assertEquals(CaseState.IDEMPOTENCY_WINDOW, state.recentRequests().size());
    assertTrue(state.processed("key-0").isEmpty());
    assertTrue(state.processed("key-" + CaseState.IDEMPOTENCY_WINDOW).isPresent());
  }

  @Test
  void assignsAndUnassigns() {
    var assigned = opened(Map.of()).when(by(CAROL).assign("bob"));
    assertEquals("bob", assigned.expectEvent(AssigneeChanged.class).assignee());
    assertEquals("bob", assigned.view().assignee());

    assigned.then().when(by(CAROL).assign("bob")).expectUnchanged();

    var unassigned = assigned.then().when(by(CAROL).assign(null));
    assertNull(unassigned.expectEvent(AssigneeChanged.class).assignee());
    assertNull(unassigned.view().assignee());
  }

  @Test
  void annotationsNeedOneOfTheWorkflowsRoles() {
    Principal outsider = new Principal("olga", "acme", java.util.Set.of("auditor"));
    Scenario opened = opened(Map.of());
    assertEquals(
        "comment",
        opened
            .when(by(outsider).comment("hi"))
            .expectRejected(ErrorCode.FORBIDDEN)
            .args()
            .get("action"));
    assertEquals(
        "assign",
        opened
            .when(by(outsider).assign("bob"))
            .expectRejected(ErrorCode.FORBIDDEN)
            .args()
            .get("action"));
  }

  @Test
  void rejectsBlankComment() {
    Rejected rejected =
        opened(Map.of()).when(by(ALICE).comment("  ")).expectRejected(ErrorCode.MISSING_FIELD);
    assertEquals("text", rejected.args().get("field"));
  }

  @Test
  void mergeStepsAreIdempotentPerSagaAndACompensationRepeatedChangesNothing() {
    var locked = submitted().when(mergeStep("saga-1", MergeStep.START));
    MergeStepRecorded started = locked.expectEvent(MergeStepRecorded.class);
    assertEquals("in_review", started.from());
    assertEquals(MergeStep.MERGING, started.to());
    assertEquals("c-2", locked.view().mergedInto());
    Scenario held = locked.then();
    held.when(mergeStep("saga-1", MergeStep.START)).expectUnchanged();
    held.when(by(BOB).perform("approve")).expectRejected(ErrorCode.INVALID_TRANSITION);
    held.when(mergeStep("saga-2", MergeStep.START)).expectRejected(ErrorCode.INVALID_TRANSITION);

    var reverted = held.when(mergeStep("saga-1", MergeStep.REVERT_START));
    assertEquals("in_review", reverted.expectEvent(MergeStepRecorded.class).to());
    Scenario released = reverted.then();
    released.when(mergeStep("saga-1", MergeStep.REVERT_START)).expectUnchanged();
    released.when(mergeStep("saga-1", MergeStep.START)).expectUnchanged();
    released
        .when(mergeStep("saga-1", MergeStep.COMPLETE))
        .expectRejected(ErrorCode.INVALID_TRANSITION);
    assertEquals(4, released.history().size());
    assertEquals("in_review", ((Active) released.state()).state());

    Scenario secondUndone =
        released
            .when(mergeStep("saga-2", MergeStep.START))
            .then()
            .when(mergeStep("saga-2", MergeStep.REVERT_START))
            .then();
    secondUndone.when(mergeStep("saga-1", MergeStep.START)).expectUnchanged();
    assertEquals("in_review", ((Active) secondUndone.state()).state());
  }

  @Test
  void theDuplicateClosesOnlyUnderItsOwnSagaAndThePrimaryRecordsEachMergeOnce() {
    var completed =
        submitted()
            .when(mergeStep("saga-1", MergeStep.START))
            .then()
            .when(mergeStep("saga-1", MergeStep.COMPLETE));
    assertEquals(MergeStep.MERGED, completed.expectEvent(MergeStepRecorded.class).to());
    Scenario merged = completed.then();
    merged.when(mergeStep("saga-1", MergeStep.COMPLETE)).expectUnchanged();
    merged.when(mergeStep("saga-1", MergeStep.REVERT_START)).expectUnchanged();
    merged.when(by(CAROL).assign("bob")).expectRejected(ErrorCode.INVALID_TRANSITION);

    var recorded = submitted().when(mergeStep("saga-3", MergeStep.RECORD_IN_PRIMARY));
    MergeStepRecorded mergedIn = recorded.expectEvent(MergeStepRecorded.class);
    assertEquals(mergedIn.from(), mergedIn.to(), "the primary stays where it is");
    recorded.then().when(mergeStep("saga-3", MergeStep.RECORD_IN_PRIMARY)).expectUnchanged();
    recorded
        .then()
        .when(by(BOB).ifMatch(1).mergeStep("saga-4", MergeStep.RECORD_IN_PRIMARY, "c-9"))
        .expectRejected(ErrorCode.VERSION_CONFLICT);
    recorded
        .then()
        .when(by(DAVE).mergeStep("saga-5", MergeStep.RECORD_IN_PRIMARY, "c-9"))
        .expectRejected(ErrorCode.CASE_NOT_FOUND);
  }

  @Test
  void everyRecordedEventContinuesTheChain() {
    Scenario approved = submitted().when(by(BOB).perform("approve")).then();
    assertTrue(HashChain.firstBrokenSeq(approved.history()).isEmpty());
    assertEquals(HashChain.GENESIS, approved.history().get(0).prevHash());
  }

  /**
   * A case on a workflow version that is no longer deployed (a closed one, which takes comments, or
   * one whose events start-up could not see): every command is refused with a code of its own and
   * writes nothing, instead of the decider failing; reading it still answers.
   */
  @Test
  void refusesEveryCommandOnACaseWhoseWorkflowVersionIsRetired() {
    Scenario retired = withoutOnboarding().given(submittedEvents());
    Map<String, String> args =
        Map.of("caseId", "c-1", "workflow", ONBOARDING, "workflowVersion", "1");

    for (CaseCommand command :
        List.of(
            by(BOB).perform("approve"),
            by(BOB).perform("no_such_action"),
            by(ALICE).comment("still there?"),
            by(ALICE).assign("bob"),
            by(ALICE).ifMatch(9).comment("a stale version"),
            new FireDeadline(
                FireDeadline.system("acme"), "state:in_review:escalate", 2, START, null, null),
            by(BOB).mergeStep("saga-1", MergeStep.START, "c-2"),
            new Explain(BOB, null, null))) {
      assertEquals(
          args,
          retired.when(command).expectRejected(ErrorCode.WORKFLOW_VERSION_RETIRED).args(),
          command::toString);
    }
    assertEquals("in_review", retired.when(by(ALICE).get()).expectUnchanged().state());
    assertEquals(
        List.of(),
        new CaseDecider(new CaseId("acme", "c-1"), withoutOnboardingRegistry())
            .verdicts((Active) retired.state(), BOB, START),
        "the inbox finds nothing to do on it");
  }

  /** A migration needs nothing of the version it leaves: it is the way off a retired one. */
  @Test
  void aCaseOnARetiredVersionStillMigratesToADeployedOne() throws Exception {
    String v2 =
        Files.readString(TestWorkflows.DIRECTORY.resolve("onboarding.conf"))
                .replace("version = 1", "version = 2")
            + "migrations = [ { from-version = 1, states { in_review = in_review } } ]\n";
    Scenario retired =
        WorkflowFixture.of(WorkflowRegistry.fromString("onboarding-v2.conf", v2))
            .at(START)
            .given(submittedEvents());

    var migrated = retired.when(new MigrateWorkflow(CAROL, 2, "op-1", null, null));

    assertEquals(2, migrated.expectEvent(WorkflowMigrated.class).toVersion());
    assertEquals("in_review", migrated.view().state());
    migrated.then().when(by(BOB).perform("approve")).expectEvent(ActionPerformed.class);
  }

  private CaseEvent[] submittedEvents() {
    return submitted().history().toArray(CaseEvent[]::new);
  }

  private static WorkflowFixture withoutOnboarding() {
    return WorkflowFixture.of(withoutOnboardingRegistry()).at(START);
  }

  private static WorkflowRegistry withoutOnboardingRegistry() {
    return WorkflowRegistry.of(
        TestWorkflows.REGISTRY.all().stream()
            .filter(workflow -> !workflow.name().equals(ONBOARDING))
            .toList());
  }

  private static CaseCommand mergeStep(String sagaId, MergeStep step) {
    return by(BOB).mergeStep(sagaId, step, "c-2");
  }

  private Scenario opened(Map<String, Object> data) {
    return fixture.givenOpened("alice", ONBOARDING, data);
  }

  private Scenario submitted() {
    return opened(Map.of("riskLevel", "high")).andPerformed("alice", "submit");
  }
}
