package io.caseflow.testkit;

import static io.caseflow.testkit.CaseCommands.by;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.cases.CaseCommand.FireDeadline;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.testing.TestWorkflows;
import io.caseflow.testkit.WorkflowFixture.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deadlines as the case decides them, on a clock the test moves: a deadline fires its action once
 * it is due, as the system, once; a case that moved on since it began refuses it; only the system
 * takes an action that names no role.
 */
class DeadlineRulesTest {

  static final Principal ANALYST = new Principal("alice", "acme", Set.of("analyst"));
  static final Principal REVIEWER = new Principal("bob", "acme", Set.of("reviewer"));
  static final String IN_REVIEW = "state:in_review:escalate";
  static final Instant SUBMITTED = WorkflowFixture.DEFAULT_NOW;
  static final Instant DUE = SUBMITTED.plus(Duration.ofHours(72));

  private final WorkflowFixture fixture = WorkflowFixture.of(TestWorkflows.DIRECTORY);

  private Scenario inReview() {
    return fixture
        .givenOpened("alice", TestWorkflows.ESCALATING_REVIEW, Map.of())
        .andPerformed("alice", "submit");
  }

  private static FireDeadline fire(String deadline, long startedSeq, Instant dueAt) {
    return new FireDeadline(FireDeadline.system("acme"), deadline, startedSeq, dueAt, null, null);
  }

  @Test
  void aDeadlineComeDueFiresItsActionAsTheSystemOnce() {
    Scenario escalated =
        inReview().after(Duration.ofHours(72)).when(fire(IN_REVIEW, 2, DUE)).then();
    ActionPerformed escalation = (ActionPerformed) escalated.history().get(2);
    assertEquals("system:deadline", escalation.actor());
    assertEquals("escalate", escalation.action());
    assertEquals("escalated", escalation.to());
    assertEquals(
        "deadline:state:in_review:escalate:2:" + DUE,
        escalation.requestKey().key(),
        "derived from the deadline and when it began");

    escalated.when(fire(IN_REVIEW, 2, DUE)).expectReplayed();
  }

  @Test
  void aDeadlineNotDueYetWaits() {
    Rejected early =
        inReview()
            .after(Duration.ofHours(71))
            .when(fire(IN_REVIEW, 2, DUE))
            .expectRejected(ErrorCode.DEADLINE_PENDING);
    assertEquals(DUE.toString(), early.args().get("dueAt"));
  }

  @Test
  void aCaseThatMovedOnRefusesTheDeadlineOfWhereItWas() {
    inReview()
        .andPerformed("bob", "decide")
        .after(Duration.ofHours(80))
        .when(fire(IN_REVIEW, 2, DUE))
        .expectRejected(ErrorCode.INVALID_TRANSITION);

    Scenario back =
        inReview()
            .after(Duration.ofHours(1))
            .andPerformed("bob", "send_back")
            .andPerformed("alice", "submit");
    back.after(Duration.ofHours(80))
        .when(fire(IN_REVIEW, 2, DUE))
        .expectRejected(ErrorCode.INVALID_TRANSITION);
    assertEquals(4, ((Active) back.state()).stateSeq(), "the deadline began anew with event 4");
    back.after(Duration.ofHours(80))
        .when(fire(IN_REVIEW, 4, SUBMITTED.plus(Duration.ofHours(73))))
        .expectEvent(ActionPerformed.class);
  }

  @Test
  void onlyADeadlineTakesAnActionWithoutRoles() {
    Rejected refused =
        inReview()
            .when(by(REVIEWER).perform("escalate"))
            .expectRejected(ErrorCode.DEADLINE_PENDING);
    assertEquals("escalate", refused.args().get("action"));
    assertEquals(DUE.toString(), refused.args().get("dueAt"));
  }

  @Test
  void aCasesOwnDueDateFiresWhereItsActionCanBeTaken() {
    Instant dueAt = SUBMITTED.plus(Duration.ofHours(5));
    Scenario scenario =
        fixture
            .givenOpened(
                "alice", TestWorkflows.ESCALATING_REVIEW, Map.of("dueAt", dueAt.toString()))
            .andPerformed("alice", "submit");
    scenario
        .after(Duration.ofHours(6))
        .when(fire("due", 2, dueAt))
        .expectEvent(ActionPerformed.class);
    scenario
        .after(Duration.ofHours(6))
        .when(fire("due", 2, dueAt.plusSeconds(1)))
        .expectRejected(ErrorCode.INVALID_TRANSITION);
  }

  /** The due-date timer, as the database keeps it, holds microseconds; a finer date still fires. */
  @Test
  void aDueDateFinerThanTheDatabaseKeepsStillFires() {
    Instant dueAt = SUBMITTED.plus(Duration.ofHours(5)).plusNanos(123_456_789);
    fixture
        .givenOpened("alice", TestWorkflows.ESCALATING_REVIEW, Map.of("dueAt", dueAt.toString()))
        .andPerformed("alice", "submit")
        .after(Duration.ofHours(6))
        .when(fire("due", 2, dueAt.truncatedTo(ChronoUnit.MICROS)))
        .expectEvent(ActionPerformed.class);
  }

  @Test
  void aDueDateIsAnInstant() {
    Rejected refused =
        fixture
            .givenNothing()
            .when(
                by(ANALYST)
                    .withData(Map.of("dueAt", "next tuesday"))
                    .open(TestWorkflows.ESCALATING_REVIEW, "S"))
            .expectRejected(ErrorCode.INVALID_FIELD);
    assertEquals("dueAt", refused.args().get("field"));
  }
}
