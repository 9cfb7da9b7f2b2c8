package io.caseflow.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.audit.Checkpoint.Head;
import io.caseflow.audit.Checkpoints.CoveredHead;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.Principal;
import io.caseflow.testkit.CaseCommands;
import io.caseflow.testkit.WorkflowFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One case's history checked three ways; each check is made to say no. */
class CaseVerificationTest {

  static final CaseId CASE = new CaseId("acme", "c-1");

  /** A real history of five events, sealed into a chain by the service's own rules. */
  static List<CaseEvent> history() {
    Principal erin = new Principal("erin", "acme", Set.of("analyst", "reviewer"));
    return WorkflowFixture.of(Path.of("conf/workflows"))
        .givenOpened("erin", "due-diligence", Map.of("riskLevel", "high"))
        .andPerformed("erin", "submit")
        .andCommented("bob", "looked at it")
        .andAssigned("bob", "bob")
        .when(CaseCommands.by(erin).comment("noted"))
        .then()
        .history();
  }

  static Map<Long, String> auditLogOf(List<CaseEvent> events) {
    Map<Long, String> hashes = new HashMap<>();
    events.forEach(event -> hashes.put(event.seq(), event.hash()));
    return hashes;
  }

  @Test
  void aWholeHistoryHolds() {
    List<CaseEvent> events = history();
    CoveredHead head = covered(7, events.get(3));
    CaseVerification result =
        CaseVerification.of(CASE, events, auditLogOf(events), List.of(head), Set.of(7L));
    assertTrue(result.valid());
    assertEquals(5, result.events());
    assertEquals(
        new CaseVerification.Coverage(7, 4, events.get(3).hash(), true), result.checkpoint());
  }

  @Test
  void theAuditLogCatchesATailCutOffTheJournal() {
    List<CaseEvent> events = history();
    CaseVerification result =
        CaseVerification.of(CASE, events.subList(0, 4), auditLogOf(events), List.of(), Set.of());
    assertEquals(5L, result.firstBrokenSeq());
    assertEquals("audit_log", result.reason());
  }

  @Test
  void aSignedHeadCatchesWhatTheChainAndAuditLogDoNot() {
    List<CaseEvent> events = history();
    // the journal lost its last two events, and the audit log was cut to match: a consistent chain
    // that ends before the signed head, as after a restore from a backup older than the checkpoint
    List<CaseEvent> cut = events.subList(0, 3);
    CaseVerification result =
        CaseVerification.of(
            CASE, cut, auditLogOf(cut), List.of(covered(2, events.get(4))), Set.of(2L));
    assertEquals(4L, result.firstBrokenSeq(), "the first event missing");
    assertEquals("missing_tail", result.reason());
    assertEquals(false, result.checkpoint().matches());
  }

  @Test
  void aSignedHeadTheJournalHoldsOtherwiseIsABreakNotAMissingTail() {
    List<CaseEvent> events = history();
    List<CaseEvent> cut = events.subList(0, 3);
    CoveredHead rewritten =
        new CoveredHead(2, new Head(CASE.tenant(), CASE.id(), 2, events.get(4).hash()));
    CaseVerification result =
        CaseVerification.of(CASE, cut, auditLogOf(cut), List.of(rewritten), Set.of(2L));
    assertEquals(2L, result.firstBrokenSeq());
    assertEquals("checkpoint", result.reason());
  }

  @Test
  void anUntrustedCheckpointIsNotBelieved() {
    List<CaseEvent> events = history();
    List<CaseEvent> cut = events.subList(0, 3);
    CaseVerification result =
        CaseVerification.of(
            CASE, cut, auditLogOf(cut), List.of(covered(2, events.get(4))), Set.of());
    assertTrue(result.valid());
    assertNull(result.checkpoint(), "a checkpoint whose signature failed covers nothing");
  }

  @Test
  void theLowestBrokenSeqIsReported() {
    List<CaseEvent> events = new ArrayList<>(history());
    Map<Long, String> auditLog = auditLogOf(events);
    auditLog.put(2L, "f".repeat(64));
    events.remove(3); // a gap at 4
    CaseVerification result = CaseVerification.of(CASE, events, auditLog, List.of(), Set.of());
    assertEquals(2L, result.firstBrokenSeq());
    assertEquals("audit_log", result.reason());
  }

  private static CoveredHead covered(long checkpoint, CaseEvent event) {
    return new CoveredHead(
        checkpoint, new Head(event.tenant(), event.caseId(), event.seq(), event.hash()));
  }
}
