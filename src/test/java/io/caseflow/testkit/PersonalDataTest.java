package io.caseflow.testkit;

import static io.caseflow.testkit.CaseCommands.by;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseDecider;
import io.caseflow.cases.CaseDecider.Decision;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseState;
import io.caseflow.cases.CaseView;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.HashChain;
import io.caseflow.cases.PersonalData;
import io.caseflow.cases.Principal;
import io.caseflow.testing.TestWorkflows;
import io.caseflow.testkit.WorkflowFixture.Scenario;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Personal values are sealed before a case sees them, reach the history only as tokens, open again
 * in views, read as erased once their subject's key is gone, and never break the chain. The case
 * itself refuses a personal value in clear and a token where no personal value belongs.
 */
class PersonalDataTest {

  static final Principal ANALYST = new Principal("alice", "acme", Set.of("analyst"));
  static final Principal REVIEWER = new Principal("bob", "acme", Set.of("reviewer"));

  private final WorkflowFixture fixture = WorkflowFixture.of(TestWorkflows.DIRECTORY);

  private WorkflowFixture.Outcome openJane() {
    return fixture
        .givenNothing()
        .when(
            by(ANALYST)
                .withTitle("Jane Doe, new customer")
                .withData(Map.of("passportNumber", "X1234567", "birthYear", 1990, "riskScore", 12))
                .withIdempotencyKey("open-jane")
                .open(TestWorkflows.IDENTITY_CHECK, "Jane Doe"));
  }

  @Test
  void personalValuesAreRecordedSealedAndReadInClear() {
    WorkflowFixture.Outcome opened = openJane();
    CaseOpened event = opened.expectEvent(CaseOpened.class);
    assertTrue(PersonalData.isSealed(event.subject()), event::toString);
    assertTrue(PersonalData.isSealed(event.title()));
    assertTrue(PersonalData.isSealed(event.data().get("passportNumber")));
    assertTrue(PersonalData.isSealed(event.data().get("birthYear")));
    assertEquals(12, event.data().get("riskScore"), "not personal: as it was sent");
    assertFalse(event.toString().contains("Jane"));
    assertFalse(event.toString().contains("X1234567"));

    CaseView view = opened.view();
    assertEquals("Jane Doe", view.subject());
    assertEquals("Jane Doe, new customer", view.title());
    assertEquals("X1234567", view.data().get("passportNumber"));
    assertEquals(1990, ((Number) view.data().get("birthYear")).intValue(), "types survive");
  }

  @Test
  void anErasedSubjectReadsErasedAndItsChainStillHolds() {
    Scenario checked =
        openJane()
            .then()
            .when(by(ANALYST).withData(Map.of("passportNumber", "X7654321")).perform("check"))
            .then();
    List<CaseEvent> history = checked.history();
    ActionPerformed check = (ActionPerformed) history.get(1);
    assertTrue(PersonalData.isSealed(check.data().get("passportNumber")));

    CaseView erased = checked.andErased("Jane Doe").when(by(REVIEWER).perform("verify")).view();
    assertEquals(PersonalData.ERASED, erased.subject());
    assertEquals(PersonalData.ERASED, erased.title());
    assertEquals(PersonalData.ERASED, erased.data().get("passportNumber"));
    assertEquals(PersonalData.ERASED, erased.data().get("birthYear"));
    assertEquals(12, erased.data().get("riskScore"));
    assertEquals("verified", erased.state(), "the case goes on without its personal values");
    assertTrue(HashChain.firstBrokenSeq(history).isEmpty());
  }

  @Test
  void aRetriedOpenIsRecognisedThoughEachSealingDiffers() {
    Scenario opened = openJane().then();
    OpenCase retry =
        by(ANALYST)
            .withTitle("Jane Doe, new customer")
            .withData(Map.of("passportNumber", "X1234567", "birthYear", 1990, "riskScore", 12))
            .withIdempotencyKey("open-jane")
            .open(TestWorkflows.IDENTITY_CHECK, "Jane Doe");
    opened.when(retry).expectReplayed();

    OpenCase changed =
        by(ANALYST)
            .withTitle("Jane Doe, new customer")
            .withData(Map.of("passportNumber", "X0000000", "birthYear", 1990, "riskScore", 12))
            .withIdempotencyKey("open-jane")
            .open(TestWorkflows.IDENTITY_CHECK, "Jane Doe");
    opened.when(changed).expectRejected(ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }

  @Test
  void aPersonalValueIsCheckedWhereItIsSealed() {
    Rejected refused =
        fixture
            .givenNothing()
            .when(
                by(ANALYST)
                    .withData(Map.of("birthYear", "nineteen ninety"))
                    .open(TestWorkflows.IDENTITY_CHECK, "Jane Doe"))
            .expectRejected(ErrorCode.INVALID_FIELD);
    assertEquals("birthYear", refused.args().get("field"));
    assertEquals(
        "subject",
        fixture
            .givenNothing()
            .when(by(ANALYST).open(TestWorkflows.IDENTITY_CHECK, "x".repeat(201)))
            .expectRejected(ErrorCode.INVALID_FIELD)
            .args()
            .get("field"));
    assertEquals(
        "subject",
        fixture
            .givenNothing()
            .when(by(ANALYST).open(TestWorkflows.IDENTITY_CHECK, "pii:1:forged:tag:v1:AAAA"))
            .expectRejected(ErrorCode.INVALID_FIELD)
            .args()
            .get("field"),
        "a value sent in clear may not pass for a sealed one");
  }

  /** Past the sealing, the case itself is the guard: it never records a personal value in clear. */
  @Test
  void theCaseRefusesAPersonalValueThatReachesItUnsealed() {
    CaseDecider decider = new CaseDecider(new CaseId("acme", "c-1"), TestWorkflows.REGISTRY);
    Decision plain =
        decider.decide(
            new CaseState.Empty(),
            by(ANALYST).open(TestWorkflows.IDENTITY_CHECK, "Jane Doe"),
            WorkflowFixture.DEFAULT_NOW);
    Rejected refused = (Rejected) ((Decision.Answer) plain).reply();
    assertEquals(ErrorCode.INVALID_FIELD, refused.code());
    assertEquals("subject", refused.args().get("field"));

    Decision token =
        decider.decide(
            new CaseState.Empty(),
            by(ANALYST)
                .withData(Map.of("jurisdiction", "pii:1:ref:tag:v1:AAAA"))
                .open(TestWorkflows.ONBOARDING, "ACME"),
            WorkflowFixture.DEFAULT_NOW);
    Rejected misplaced = (Rejected) ((Decision.Answer) token).reply();
    assertEquals(ErrorCode.INVALID_FIELD, misplaced.code());
    assertEquals("jurisdiction", misplaced.args().get("field"));
  }

  @Test
  void twoSealingsOfOneValueDifferButNameOneSubject() {
    CaseOpened first = openJane().expectEvent(CaseOpened.class);
    CaseOpened second =
        fixture
            .forCase(new CaseId("acme", "c-2"))
            .givenNothing()
            .when(by(ANALYST).open(TestWorkflows.IDENTITY_CHECK, "Jane Doe"))
            .expectEvent(CaseOpened.class);
    assertNotEquals(first.subject(), second.subject(), "a fresh nonce each time");
    assertEquals(
        PersonalData.subjectIdentity(first.subject()),
        PersonalData.subjectIdentity(second.subject()),
        "one subject for uniqueness and erasure");
  }
}
