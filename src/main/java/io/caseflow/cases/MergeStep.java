package io.caseflow.cases;

import io.caseflow.workflow.Workflow;
import java.util.Locale;

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
