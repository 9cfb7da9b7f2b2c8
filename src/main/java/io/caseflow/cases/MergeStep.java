package io.caseflow.cases;

import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.CaseState.MergeLink;
import io.caseflow.workflow.Workflow;
import java.util.Locale;
import java.util.Optional;

/**
 * What a merge saga asks of the two cases it merges (see {@code io.caseflow.saga.MergeSaga}). The
 * duplicate is locked ({@link #START}: state {@code merging}), the primary records it ({@link
 * #RECORD_IN_PRIMARY}), and the duplicate is closed ({@link #COMPLETE}: state {@code merged}). Each
 * step that changes a case has a compensation that undoes it semantically, by a further event.
 * Every step is idempotent per saga: asked again, it changes nothing and answers the case.
 */
public enum MergeStep {
  START,
  RECORD_IN_PRIMARY,
  COMPLETE,
  REVERT_START,
  REVERT_RECORD_IN_PRIMARY;

  /** The state of a duplicate while a merge saga holds it: no action may move it. */
  public static final String MERGING = Workflow.MERGING_STATE;

  /** The terminal state of a duplicate merged into another case. */
  public static final String MERGED = Workflow.MERGED_STATE;

  /**
   * Whether this saga's step has nothing (more) to do on the case: taken already, or a compensation
   * with nothing to undo. Asked again, the case answers as it is.
   */
  boolean alreadyTaken(Active kase, String sagaId) {
    Optional<MergeLink> mark = kase.mergeBy(sagaId);
    return switch (this) {
      case START -> mark.isPresent() || kase.mergeReverted(sagaId);
      case COMPLETE -> holdsMark(mark) && MERGED.equals(kase.state());
      case REVERT_START -> !holds(kase, sagaId);
      case RECORD_IN_PRIMARY -> kase.mergeInBy(sagaId).isPresent();
      case REVERT_RECORD_IN_PRIMARY -> !holdsMark(kase.mergeInBy(sagaId));
    };
  }

  /**
   * Whether the case refuses the step: a case already held or closed cannot be merged (again), and
   * only the saga holding a case completes its merge. Compensations are never refused.
   */
  boolean refused(Active kase, String sagaId, boolean closed) {
    return switch (this) {
      case START, RECORD_IN_PRIMARY -> MERGING.equals(kase.state()) || closed;
      case COMPLETE -> !holds(kase, sagaId);
      case REVERT_START, REVERT_RECORD_IN_PRIMARY -> false;
    };
  }

  /** The state the step leaves the case in. */
  String target(Active kase) {
    return switch (this) {
      case START -> MERGING;
      case COMPLETE -> MERGED;
      case REVERT_START -> kase.merge().previousState();
      case RECORD_IN_PRIMARY, REVERT_RECORD_IN_PRIMARY -> kase.state();
    };
  }

  /** Whether this saga holds the case as its duplicate, in state {@code merging}. */
  private static boolean holds(Active kase, String sagaId) {
    return holdsMark(kase.mergeBy(sagaId)) && MERGING.equals(kase.state());
  }

  private static boolean holdsMark(Optional<MergeLink> mark) {
    return mark.filter(link -> !link.reverted()).isPresent();
  }

  /** The action name the step is recorded under in the case's history. */
  public String actionName() {
    return switch (this) {
      case START -> "merge_started";
      case RECORD_IN_PRIMARY -> "merged_in";
      case COMPLETE -> "merge_completed";
      case REVERT_START -> "merge_reverted";
      case REVERT_RECORD_IN_PRIMARY -> "merge_in_reverted";
    };
  }

  public static MergeStep fromActionName(String actionName) {
    for (MergeStep step : values()) {
      if (step.actionName().equals(actionName)) {
        return step;
      }
    }
    throw new IllegalArgumentException("No merge step is recorded as " + actionName);
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
