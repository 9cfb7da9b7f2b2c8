package io.caseflow.cases;

import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseEvent.WorkflowMigrated;
import java.time.Instant;
import java.util.Map;

/**
 * One event of a case as clients see it: in {@code GET /cases/{id}/history}, in live event streams
 * and in webhook deliveries.
 */
public record HistoryEntry(
    long seq,
    String type,
    String actor,
    Instant at,
    String from,
    String to,
    String action,
    String comment,
    String assignee,
    Map<String, Object> data,
    String hash,
    String prevHash) {

  public static HistoryEntry of(CaseEvent event) {
    if (event instanceof CaseOpened e) {
      return entry(e, null, e.state(), "open", null, null, e.data());
    }
    if (event instanceof ActionPerformed e) {
      return entry(e, e.from(), e.to(), e.action(), e.comment(), null, e.data());
    }
    if (event instanceof AssigneeChanged e) {
      return entry(e, null, null, "assign", null, e.assignee(), Map.of());
    }
    if (event instanceof MergeStepRecorded e) {
      return entry(
          e,
          e.from(),
          e.to(),
          e.action(),
          e.comment(),
          null,
          Map.of("sagaId", e.sagaId(), "otherCaseId", e.otherCaseId()));
    }
    if (event instanceof WorkflowMigrated e) {
      return entry(
          e,
          e.from(),
          e.to(),
          e.action(),
          e.comment(),
          null,
          Map.of(
              "operationId", e.operationId(),
              "fromVersion", e.fromVersion(),
              "toVersion", e.toVersion()));
    }
    CommentAdded e = (CommentAdded) event;
    return entry(e, null, null, "comment", e.text(), null, Map.of());
  }

  private static HistoryEntry entry(
      CaseEvent e,
      String from,
      String to,
      String action,
      String comment,
      String assignee,
      Map<String, Object> data) {
    return new HistoryEntry(
        e.seq(),
        e.typeName(),
        e.actor(),
        e.at(),
        from,
        to,
        action,
        comment,
        assignee,
        data,
        e.hash(),
        e.prevHash());
  }
}
