package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The facts of a case's life. Each one is the state change and its audit record at once, and links
 * to its predecessor through {@code prevHash}, forming a per-case hash chain.
 *
 * <p>Shapes are never edited once released: evolve them with Jackson migrations.
 */
public sealed interface CaseEvent extends JsonSerializable {

  String caseId();

  String tenant();

  /** The user id of whoever caused the event. */
  String actor();

  Instant at();

  /** Position in the case's history, starting at 1; equal to the case version it produced. */
  long seq();

  /** The idempotency key of the request that produced the event, or null. */
  RequestKey requestKey();

  String prevHash();

  String hash();

  CaseEvent withHash(String hash);

  /** Every {@link #typeName}, as clients name and select event types. */
  List<String> TYPE_NAMES =
      List.of("case_opened", "action_performed", "assignee_changed", "comment_added", "merge_step");

  /** An event that moves a case from one state to another (or records a step in the same one). */
  sealed interface Transition extends CaseEvent {
    String action();

    String from();

    String to();

    /** The comment given with the action, or why a merge step happened; may be null. */
    String comment();
  }

  /** The name clients and the audit log know an event type by, such as {@code case_opened}. */
  static String typeName(CaseEvent event) {
    if (event instanceof CaseOpened) {
      return "case_opened";
    }
    if (event instanceof ActionPerformed) {
      return "action_performed";
    }
    if (event instanceof AssigneeChanged) {
      return "assignee_changed";
    }
    if (event instanceof MergeStepRecorded) {
      return "merge_step";
    }
    return "comment_added";
  }

  /**
   * The event type a {@link #typeName} names.
   *
   * @throws IllegalArgumentException for a name that is none
   */
  static Class<? extends CaseEvent> typeNamed(String typeName) {
    return switch (typeName) {
      case "case_opened" -> CaseOpened.class;
      case "action_performed" -> ActionPerformed.class;
      case "assignee_changed" -> AssigneeChanged.class;
      case "comment_added" -> CommentAdded.class;
      case "merge_step" -> MergeStepRecorded.class;
      default -> throw new IllegalArgumentException("not an event type: " + typeName);
    };
  }

  record CaseOpened(
      String caseId,
      String tenant,
      String actor,
      Instant at,
      long seq,
      String workflow,
      int workflowVersion,
      String subject,
      String title,
      String state,
      Map<String, Object> data,
      RequestKey requestKey,
      String prevHash,
      String hash)
      implements CaseEvent {

    public CaseOpened {
      data = Map.copyOf(data);
    }

    @Override
    public CaseOpened withHash(String newHash) {
      return new CaseOpened(
          caseId,
          tenant,
          actor,
          at,
          seq,
          workflow,
          workflowVersion,
          subject,
          title,
          state,
          data,
          requestKey,
          prevHash,
          newHash);
    }
  }

  record ActionPerformed(
      String caseId,
      String tenant,
      String actor,
      Instant at,
      long seq,
      String action,
      String from,
      String to,
      String comment,
      Map<String, Object> data,
      RequestKey requestKey,
      String prevHash,
      String hash)
      implements Transition {

    public ActionPerformed {
      data = Map.copyOf(data);
    }

    @Override
    public ActionPerformed withHash(String newHash) {
      return new ActionPerformed(
          caseId,
          tenant,
          actor,
          at,
          seq,
          action,
          from,
          to,
          comment,
          data,
          requestKey,
          prevHash,
          newHash);
    }
  }

  /** {@code assignee} is null when the case was unassigned. */
  record AssigneeChanged(
      String caseId,
      String tenant,
      String actor,
      Instant at,
      long seq,
      String assignee,
      RequestKey requestKey,
      String prevHash,
      String hash)
      implements CaseEvent {

    @Override
    public AssigneeChanged withHash(String newHash) {
      return new AssigneeChanged(
          caseId, tenant, actor, at, seq, assignee, requestKey, prevHash, newHash);
    }
  }

  record CommentAdded(
      String caseId,
      String tenant,
      String actor,
      Instant at,
      long seq,
      String text,
      RequestKey requestKey,
      String prevHash,
      String hash)
      implements CaseEvent {

    @Override
    public CommentAdded withHash(String newHash) {
      return new CommentAdded(caseId, tenant, actor, at, seq, text, requestKey, prevHash, newHash);
    }
  }

  /**
   * A step of a merge saga on this case: {@code action} is the step's name ({@link
   * MergeStep#actionName()}), {@code otherCaseId} the case merged into or from, {@code comment} why
   * a compensation ran. Written only by the case itself when a saga asks (never replayed: a step
   * repeated by the same saga writes nothing).
   */
  record MergeStepRecorded(
      String caseId,
      String tenant,
      String actor,
      Instant at,
      long seq,
      String sagaId,
      String action,
      String otherCaseId,
      String from,
      String to,
      String comment,
      RequestKey requestKey,
      String prevHash,
      String hash)
      implements Transition {

    @Override
    public MergeStepRecorded withHash(String newHash) {
      return new MergeStepRecorded(
          caseId,
          tenant,
          actor,
          at,
          seq,
          sagaId,
          action,
          otherCaseId,
          from,
          to,
          comment,
          requestKey,
          prevHash,
          newHash);
    }
  }
}
