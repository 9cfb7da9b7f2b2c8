package io.caseflow.cases;

import static io.caseflow.cases.TestPrincipals.ALICE;
import static io.caseflow.cases.TestPrincipals.BOB;
import static io.caseflow.cases.TestPrincipals.CAROL;
import static io.caseflow.cases.TestPrincipals.DAVE;
import static io.caseflow.cases.TestPrincipals.ERIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.cases.CaseCommand.AddComment;
import io.caseflow.cases.CaseCommand.Assign;
import io.caseflow.cases.CaseCommand.GetCase;
import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.workflow.WorkflowRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class CaseEntityTest {

  static final Config CONFIG =
      ConfigFactory.parseString(
              "pekko.actor.serialization-bindings { \"io.caseflow.JsonSerializable\" = jackson-json }")
          .withFallback(EventSourcedBehaviorTestKit.config());
  static final Instant START = Instant.parse("2026-11-22T09:00:00Z");
  static final WorkflowRegistry WORKFLOWS = WorkflowRegistry.fromClasspath();
  static final String PERSISTENCE_ID =
      PersistenceId.of(CaseEntity.TYPE_KEY.name(), new CaseId("acme", "c-1").entityId()).id();

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(CONFIG).build();

  private final MutableClock clock = new MutableClock(START);
  private final List<CaseEvent> published = new ArrayList<>();
  private EventSourcedBehaviorTestKit<CaseCommand, CaseEvent, CaseState> kase;

  @BeforeEach
  void newCase() {
    kase =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            CaseEntity.create(
                new CaseId("acme", "c-1"), WORKFLOWS, clock, published::add, new CaseTags(4)));
    kase.clear();
  }

  @Test
  void opensCaseInInitialStateOfLatestWorkflow() {
    var result = open(ALICE, Map.of("riskLevel", "high"), "k-open");

    CaseOpened opened = result.eventOfType(CaseOpened.class);
    assertEquals(
        HashChain.seal(
            new CaseOpened(
                "c-1",
                "acme",
                "alice",
                START,
                1,
                "due-diligence",
                1,
                "ACME-LTD-0042",
                "Acme Ltd onboarding",
                "draft",
                Map.of("riskLevel", "high"),
                opened.requestKey(),
                HashChain.GENESIS,
                null)),
        opened);
    assertEquals("k-open", opened.requestKey().key());
    CaseView view = result.replyOfType(Accepted.class).view();
    assertEquals("draft", view.state());
    assertEquals(1, view.version());
    assertEquals("acme", view.tenant());
    assertEquals(List.of(opened), published);
  }

  @Test
  void titleDefaultsToSubject() {
    var result =
        kase.<CaseReply>runCommand(
            replyTo -> new OpenCase(ALICE, "due-diligence", "ACME-7", null, null, null, replyTo));
    assertEquals("ACME-7", result.eventOfType(CaseOpened.class).title());
  }

  @Test
  void rejectsOpenOfUnknownWorkflow() {
    var result =
        kase.<CaseReply>runCommand(
            replyTo -> new OpenCase(ALICE, "no-such-flow", "S", "T", Map.of(), null, replyTo));
    assertRejected(result, ErrorCode.UNKNOWN_WORKFLOW);
  }

  @Test
  void rejectsOpenByRoleThatMayNotOpen() {
    assertRejected(open(BOB, Map.of(), null), ErrorCode.FORBIDDEN);
  }

  @Test
  void rejectsOpenWithoutSubject() {
    var result =
        kase.<CaseReply>runCommand(
            replyTo -> new OpenCase(ALICE, "due-diligence", " ", "T", Map.of(), null, replyTo));
    assertEquals("subject", assertRejected(result, ErrorCode.MISSING_FIELD).args().get("field"));
  }

  @Test
  void rejectsDataFieldTheWorkflowDoesNotDeclare() {
    var result = open(ALICE, Map.of("shoeSize", 42), null);
    assertEquals("shoeSize", assertRejected(result, ErrorCode.INVALID_FIELD).args().get("field"));
  }

  @Test
  void rejectsValueOutsideEnumeration() {
    var result = open(ALICE, Map.of("riskLevel", "extreme"), null);
    assertEquals("riskLevel", assertRejected(result, ErrorCode.INVALID_FIELD).args().get("field"));
  }

  @Test
  void rejectsSecondOpenOfSameCase() {
    open(ALICE, Map.of(), null);
    assertRejected(open(ALICE, Map.of(), null), ErrorCode.CASE_ALREADY_EXISTS);
  }

  @Test
  void commandsToCaseThatDoesNotExistAreCaseNotFound() {
    assertRejected(
        kase.<CaseReply>runCommand(replyTo -> new GetCase(ALICE, replyTo)),
        ErrorCode.CASE_NOT_FOUND);
    assertRejected(perform(ALICE, "submit", null, Map.of()), ErrorCode.CASE_NOT_FOUND);
  }

  @Test
  void anotherTenantCannotSeeOrChangeTheCase() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    assertRejected(
        kase.<CaseReply>runCommand(replyTo -> new GetCase(DAVE, replyTo)),
        ErrorCode.CASE_NOT_FOUND);
    assertRejected(perform(DAVE, "submit", null, Map.of()), ErrorCode.CASE_NOT_FOUND);
    assertRejected(open(DAVE, Map.of(), null), ErrorCode.CASE_NOT_FOUND);
  }

  @Test
  void getAnswersCurrentStateWithoutWriting() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    CommandResultWithReply<CaseCommand, CaseEvent, CaseState, CaseReply> result =
        kase.<CaseReply>runCommand(replyTo -> new GetCase(BOB, replyTo));
    assertTrue(result.hasNoEvents());
    assertEquals("draft", result.replyOfType(Accepted.class).view().state());
  }

  @Test
  void submitMovesDraftToReview() {
    open(ALICE, Map.of("riskLevel", "medium"), null);
    clock.advance(Duration.ofMinutes(5));

    var result = perform(ALICE, "submit", "ready", Map.of("jurisdiction", "UK"));

    ActionPerformed performed = result.eventOfType(ActionPerformed.class);
    assertEquals("submit", performed.action());
    assertEquals("draft", performed.from());
    assertEquals("in_review", performed.to());
    assertEquals("alice", performed.actor());
    assertEquals(START.plus(Duration.ofMinutes(5)), performed.at());
    assertEquals(2, performed.seq());
    CaseView view = result.replyOfType(Accepted.class).view();
    assertEquals("in_review", view.state());
    assertEquals(2, view.version());
    assertEquals(Map.of("riskLevel", "medium", "jurisdiction", "UK"), view.data());
  }

  @Test
  void rejectsActionNotAllowedInCurrentState() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    Rejected rejected =
        assertRejected(perform(BOB, "approve", null, Map.of()), ErrorCode.INVALID_TRANSITION);
    assertEquals(Map.of("caseId", "c-1", "state", "draft", "action", "approve"), rejected.args());
  }

  @Test
  void rejectsActionTheWorkflowDoesNotHave() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    assertRejected(perform(ALICE, "teleport", null, Map.of()), ErrorCode.UNKNOWN_ACTION);
  }

  @Test
  void rejectsActionByRoleNotAllowedToTakeIt() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    assertRejected(perform(BOB, "submit", null, Map.of()), ErrorCode.FORBIDDEN);
  }

  @Test
  void rejectsSubmitUntilRequiredFieldIsKnown() {
    open(ALICE, Map.of(), null);
    Rejected rejected =
        assertRejected(perform(ALICE, "submit", null, Map.of()), ErrorCode.MISSING_FIELD);
    assertEquals("riskLevel", rejected.args().get("field"));

    var result = perform(ALICE, "submit", null, Map.of("riskLevel", "high"));
    assertEquals("in_review", result.replyOfType(Accepted.class).view().state());
  }

  @Test
  void rejectsRequestForChangesWithoutComment() {
    submitted();
    Rejected rejected =
        assertRejected(perform(BOB, "request_changes", null, Map.of()), ErrorCode.MISSING_FIELD);
    assertEquals("comment", rejected.args().get("field"));
  }

  @Test
  void rejectsApproveByTheSubmitter() {
    kase.<CaseReply>runCommand(
        replyTo ->
            new OpenCase(
                ERIN, "due-diligence", "S", "T", Map.of("riskLevel", "low"), null, replyTo));
    perform(ERIN, "submit", null, Map.of());

    Rejected rejected =
        assertRejected(perform(ERIN, "approve", null, Map.of()), ErrorCode.FOUR_EYES_VIOLATION);
    assertEquals("submit", rejected.args().get("makerAction"));
    assertRejected(perform(ERIN, "reject", "no", Map.of()), ErrorCode.FOUR_EYES_VIOLATION);
    assertEquals(
        "approved",
        perform(BOB, "approve", null, Map.of()).replyOfType(Accepted.class).view().state());
  }

  @Test
  void fourEyesRuleAlsoBindsWhoeverResubmitted() {
    submitted();
    perform(BOB, "request_changes", "add the register extract", Map.of());
    perform(ERIN, "resubmit", null, Map.of());
    assertRejected(perform(ERIN, "approve", null, Map.of()), ErrorCode.FOUR_EYES_VIOLATION);
  }

  @Test
  void caseRunsFromDraftToClosed() {
    submitted();
    perform(BOB, "request_changes", "missing UBO", Map.of());
    perform(ALICE, "resubmit", null, Map.of("ownershipVerified", true));
    perform(BOB, "approve", "fine", Map.of());
    var closed = perform(CAROL, "close", null, Map.of());

    assertEquals("closed", closed.replyOfType(Accepted.class).view().state());
    assertEquals(6, closed.replyOfType(Accepted.class).view().version());
    assertRejected(perform(ALICE, "submit", null, Map.of()), ErrorCode.INVALID_TRANSITION);
    assertRejected(
        kase.<CaseReply>runCommand(replyTo -> new Assign(CAROL, "bob", null, null, replyTo)),
        ErrorCode.INVALID_TRANSITION);
    var comment =
        kase.<CaseReply>runCommand(
            replyTo -> new AddComment(CAROL, "archived", null, null, replyTo));
    assertEquals(7, comment.eventOfType(CommentAdded.class).seq());
  }

  @Test
  void withdrawClosesADraft() {
    open(ALICE, Map.of(), null);
    assertEquals(
        "closed",
        perform(ALICE, "withdraw", null, Map.of()).replyOfType(Accepted.class).view().state());
  }

  @Test
  void rejectsChangeBasedOnStaleVersion() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    var stale =
        kase.<CaseReply>runCommand(
            replyTo -> new PerformAction(ALICE, "submit", null, Map.of(), 7L, null, replyTo));
    Rejected rejected = assertRejected(stale, ErrorCode.VERSION_CONFLICT);
    assertEquals(Map.of("caseId", "c-1", "expected", "7", "actual", "1"), rejected.args());

    var current =
        kase.<CaseReply>runCommand(
            replyTo -> new PerformAction(ALICE, "submit", null, Map.of(), 1L, null, replyTo));
    assertEquals(2, current.replyOfType(Accepted.class).view().version());
  }

  @Test
  void retryWithSameIdempotencyKeyReplaysAndWritesNothing() {
    open(ALICE, Map.of("riskLevel", "low"), "open-1");
    perform(ALICE, "submit", null, Map.of(), "submit-1");

    var retry = perform(ALICE, "submit", null, Map.of(), "submit-1");
    assertTrue(retry.hasNoEvents());
    assertEquals(new Replayed(2), retry.reply());
    var retriedOpen = open(ALICE, Map.of("riskLevel", "low"), "open-1");
    assertTrue(retriedOpen.hasNoEvents());
    assertEquals(new Replayed(1), retriedOpen.reply());
    assertEquals(2, kase.getState() instanceof Active a ? a.version() : -1);
  }

  @Test
  void idempotencyKeysSurviveRestart() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    perform(ALICE, "submit", null, Map.of(), "submit-1");

    kase.restart();

    var retry = perform(ALICE, "submit", null, Map.of(), "submit-1");
    assertTrue(retry.hasNoEvents());
    assertEquals(new Replayed(2), retry.reply());
  }

  @Test
  void rejectsSameIdempotencyKeyWithDifferentRequest() {
    submitted();
    perform(BOB, "request_changes", "more", Map.of(), "k-1");
    var different = perform(BOB, "request_changes", "other words", Map.of(), "k-1");
    assertRejected(different, ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }

  @Test
  void remembersOnlyABoundedWindowOfIdempotencyKeys() {
    open(ALICE, Map.of(), null);
    for (int i = 0; i <= CaseState.IDEMPOTENCY_WINDOW; i++) {
      int n = i;
      kase.<CaseReply>runCommand(
          replyTo -> new AddComment(ALICE, "note", null, "key-" + n, replyTo));
    }
    Active state = (Active) kase.getState();
    assertEquals(CaseState.IDEMPOTENCY_WINDOW, state.recentRequests().size());
    assertTrue(state.processed("key-0").isEmpty());
    assertTrue(state.processed("key-" + CaseState.IDEMPOTENCY_WINDOW).isPresent());
  }

  @Test
  void assignsAndUnassigns() {
    open(ALICE, Map.of(), null);
    var assigned =
        kase.<CaseReply>runCommand(replyTo -> new Assign(CAROL, "bob", null, null, replyTo));
    assertEquals("bob", assigned.eventOfType(AssigneeChanged.class).assignee());
    assertEquals("bob", assigned.replyOfType(Accepted.class).view().assignee());

    var again =
        kase.<CaseReply>runCommand(replyTo -> new Assign(CAROL, "bob", null, null, replyTo));
    assertTrue(again.hasNoEvents());

    var unassigned =
        kase.<CaseReply>runCommand(replyTo -> new Assign(CAROL, null, null, null, replyTo));
    assertNull(unassigned.eventOfType(AssigneeChanged.class).assignee());
    assertNull(unassigned.replyOfType(Accepted.class).view().assignee());
  }

  @Test
  void rejectsBlankComment() {
    open(ALICE, Map.of(), null);
    var result =
        kase.<CaseReply>runCommand(replyTo -> new AddComment(ALICE, "  ", null, null, replyTo));
    assertEquals("text", assertRejected(result, ErrorCode.MISSING_FIELD).args().get("field"));
  }

  @Test
  void eventsFormAVerifiableHashChain() {
    submitted();
    perform(BOB, "approve", null, Map.of());
    List<CaseEvent> history = journal();

    assertEquals(3, history.size());
    assertEquals(HashChain.GENESIS, history.get(0).prevHash());
    assertEquals(history.get(0).hash(), history.get(1).prevHash());
    assertEquals(history.get(1).hash(), history.get(2).prevHash());
    assertTrue(HashChain.firstBrokenSeq(history).isEmpty());
  }

  @Test
  void recoveryFromSnapshotEqualsFullReplay() {
    open(ALICE, Map.of("riskLevel", "low"), null);
    for (int i = 0; i < 150; i++) {
      int n = i;
      kase.<CaseReply>runCommand(
          replyTo -> new AddComment(ALICE, "note " + n, null, "key-" + n, replyTo));
    }
    perform(ALICE, "submit", null, Map.of());
    CaseState before = kase.getState();

    CaseState recovered = kase.restart().state();

    assertFalse(kase.snapshotTestKit().orElseThrow().persistedInStorage(PERSISTENCE_ID).isEmpty());
    assertEquals(before, recovered);
    assertEquals(CaseState.replay(journal()), recovered);
    assertEquals(152, ((Active) recovered).version());
  }

  @Test
  void mergeStepsAreIdempotentPerSagaAndACompensationRepeatedChangesNothing() {
    submitted();
    var locked = mergeStep("saga-1", MergeStep.START);
    MergeStepRecorded started = locked.eventOfType(MergeStepRecorded.class);
    assertEquals("in_review", started.from());
    assertEquals(MergeStep.MERGING, started.to());
    assertEquals("c-2", locked.replyOfType(Accepted.class).view().mergedInto());
    assertTrue(mergeStep("saga-1", MergeStep.START).hasNoEvents(), "a repeated step");
    assertRejected(perform(BOB, "approve", null, Map.of()), ErrorCode.INVALID_TRANSITION); // locked
    assertEquals(
        ErrorCode.INVALID_TRANSITION,
        mergeStep("saga-2", MergeStep.START).replyOfType(Rejected.class).code(),
        "one merge at a time");

    var reverted = mergeStep("saga-1", MergeStep.REVERT_START);
    assertEquals("in_review", reverted.eventOfType(MergeStepRecorded.class).to());
    assertTrue(mergeStep("saga-1", MergeStep.REVERT_START).hasNoEvents(), "a repeated undo");
    assertTrue(
        mergeStep("saga-1", MergeStep.START).hasNoEvents(),
        "a late repeat of the undone step does not lock the case again");
    assertEquals(
        ErrorCode.INVALID_TRANSITION,
        mergeStep("saga-1", MergeStep.COMPLETE).replyOfType(Rejected.class).code(),
        "an undone merge cannot complete");
    assertEquals(4, journal().size());
    assertEquals("in_review", ((Active) kase.getState()).state());

    mergeStep("saga-2", MergeStep.START);
    mergeStep("saga-2", MergeStep.REVERT_START);
    assertTrue(
        mergeStep("saga-1", MergeStep.START).hasNoEvents(),
        "a late step of a saga undone before another one does not apply either");
    assertEquals("in_review", ((Active) kase.getState()).state());
  }

  @Test
  void theDuplicateClosesOnlyUnderItsOwnSagaAndThePrimaryRecordsEachMergeOnce() {
    submitted();
    mergeStep("saga-1", MergeStep.START);
    assertEquals(
        MergeStep.MERGED,
        mergeStep("saga-1", MergeStep.COMPLETE).eventOfType(MergeStepRecorded.class).to());
    assertTrue(mergeStep("saga-1", MergeStep.COMPLETE).hasNoEvents());
    assertTrue(mergeStep("saga-1", MergeStep.REVERT_START).hasNoEvents(), "nothing left to undo");
    assertRejected(
        kase.<CaseReply>runCommand(
            replyTo -> new CaseCommand.Assign(CAROL, "bob", null, null, replyTo)),
        ErrorCode.INVALID_TRANSITION);

    kase.clear();
    submitted();
    var recorded = mergeStep("saga-3", MergeStep.RECORD_IN_PRIMARY);
    MergeStepRecorded mergedIn = recorded.eventOfType(MergeStepRecorded.class);
    assertEquals(mergedIn.from(), mergedIn.to(), "the primary stays where it is");
    assertTrue(mergeStep("saga-3", MergeStep.RECORD_IN_PRIMARY).hasNoEvents());
    assertEquals(
        ErrorCode.VERSION_CONFLICT,
        kase.<CaseReply>runCommand(
                replyTo ->
                    new CaseCommand.ApplyMergeStep(
                        BOB, "saga-4", MergeStep.RECORD_IN_PRIMARY, "c-9", 1L, null, replyTo))
            .replyOfType(Rejected.class)
            .code());
    assertEquals(
        ErrorCode.CASE_NOT_FOUND,
        kase.<CaseReply>runCommand(
                replyTo ->
                    new CaseCommand.ApplyMergeStep(
                        DAVE, "saga-5", MergeStep.RECORD_IN_PRIMARY, "c-9", null, null, replyTo))
            .replyOfType(Rejected.class)
            .code(),
        "another tenant's case does not exist for it");
  }

  private CommandResultWithReply<CaseCommand, CaseEvent, CaseState, CaseReply> mergeStep(
      String sagaId, MergeStep step) {
    return kase.<CaseReply>runCommand(
        replyTo -> new CaseCommand.ApplyMergeStep(BOB, sagaId, step, "c-2", null, null, replyTo));
  }

  private List<CaseEvent> journal() {
    return kase.persistenceTestKit().persistedInStorage(PERSISTENCE_ID).stream()
        .map(CaseEvent.class::cast)
        .toList();
  }

  private void submitted() {
    open(ALICE, Map.of("riskLevel", "high"), null);
    perform(ALICE, "submit", null, Map.of());
  }

  private CommandResultWithReply<CaseCommand, CaseEvent, CaseState, CaseReply> open(
      Principal principal, Map<String, Object> data, String idempotencyKey) {
    return kase.<CaseReply>runCommand(
        replyTo ->
            new OpenCase(
                principal,
                "due-diligence",
                "ACME-LTD-0042",
                "Acme Ltd onboarding",
                data,
                idempotencyKey,
                replyTo));
  }

  private CommandResultWithReply<CaseCommand, CaseEvent, CaseState, CaseReply> perform(
      Principal principal, String action, String comment, Map<String, Object> data) {
    return perform(principal, action, comment, data, null);
  }

  private CommandResultWithReply<CaseCommand, CaseEvent, CaseState, CaseReply> perform(
      Principal principal,
      String action,
      String comment,
      Map<String, Object> data,
      String idempotencyKey) {
    return kase.<CaseReply>runCommand(
        replyTo ->
            new PerformAction(principal, action, comment, data, null, idempotencyKey, replyTo));
  }

  private static Rejected assertRejected(
      CommandResultWithReply<CaseCommand, CaseEvent, CaseState, CaseReply> result, ErrorCode code) {
    assertTrue(result.hasNoEvents(), "a rejected command must persist nothing");
    Rejected rejected = result.replyOfType(Rejected.class);
    assertEquals(code, rejected.code());
    return rejected;
  }
}
