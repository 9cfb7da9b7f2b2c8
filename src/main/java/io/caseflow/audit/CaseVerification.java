package io.caseflow.audit;

import io.caseflow.audit.Checkpoints.CoveredHead;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.HashChain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What verifying one case's history found: its events as the journal holds them, checked three
 * ways. The chain itself (each event's hash holds, each links to the one before), the read side's
 * audit log (every event it recorded is in the journal, with the same hash), and the signed
 * checkpoints (every head they hold is in the journal, with the same hash). A rewrite that kept the
 * chain consistent, recomputed hashes and all, is caught by the last two; one that also rewrote the
 * audit log, by the checkpoints alone.
 *
 * @param firstBrokenSeq the lowest sequence number a check found broken, or null when all hold
 * @param reason which check found it: {@code chain}, {@code audit_log}, {@code checkpoint}, or
 *     {@code missing_tail} when the journal is whole but ends before a head a checkpoint signed (as
 *     after a restore from a backup older than that checkpoint, or a removal of its last events)
 * @param checkpoint the latest signed checkpoint holding a head of the case, or null when none does
 *     yet
 */
public record CaseVerification(
    CaseId caseId, int events, Long firstBrokenSeq, String reason, Coverage checkpoint) {

  /** A signed checkpoint's head of the case, and whether the journal still holds it. */
  public record Coverage(long number, long seq, String hash, boolean matches) {}

  public boolean valid() {
    return firstBrokenSeq == null;
  }

  /**
   * Checks {@code events} (the case's journal, in order) against the chain, the audit log's hashes
   * by sequence number, and the heads of the checkpoints whose signatures were verified ({@code
   * trusted}); heads of other checkpoints are not believed and not used.
   */
  public static CaseVerification of(
      CaseId caseId,
      List<CaseEvent> events,
      Map<Long, String> auditLog,
      List<CoveredHead> heads,
      Set<Long> trusted) {
    Map<Long, String> journal = new HashMap<>();
    events.forEach(event -> journal.putIfAbsent(event.seq(), event.hash()));
    Long broken = null;
    String reason = null;
    OptionalLong chain = HashChain.firstBrokenSeq(events);
    if (chain.isPresent()) {
      broken = chain.getAsLong();
      reason = "chain";
    }
    for (Map.Entry<Long, String> recorded : auditLog.entrySet()) {
      if (!recorded.getValue().equals(journal.get(recorded.getKey()))
          && (broken == null || recorded.getKey() < broken)) {
        broken = recorded.getKey();
        reason = "audit_log";
      }
    }
    Coverage coverage = null;
    for (CoveredHead covered : heads) {
      if (!trusted.contains(covered.checkpoint())) {
        continue;
      }
      long seq = covered.head().seq();
      boolean matches = covered.head().hash().equals(journal.get(seq));
      if (!matches && seq > events.size() && chain.isEmpty() && journal.size() == events.size()) {
        // The journal is whole up to its end, and ends before the signed head: its tail is gone.
        long firstMissing = events.size() + 1L;
        if (broken == null || firstMissing < broken) {
          broken = firstMissing;
          reason = "missing_tail";
        }
      } else if (!matches && (broken == null || seq < broken)) {
        broken = seq;
        reason = "checkpoint";
      }
      if (coverage == null || covered.checkpoint() > coverage.number()) {
        coverage = new Coverage(covered.checkpoint(), seq, covered.head().hash(), matches);
      }
    }
    return new CaseVerification(caseId, events.size(), broken, reason, coverage);
  }
}
