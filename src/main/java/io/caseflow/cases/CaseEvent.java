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

  /** The version of the canonical encoding the hash was taken over ({@link HashEncoding}). */
  int hashVersion();

  String hash();

  /**
   * The W3C {@code traceparent} of the request that caused the event, or null: how the projection
   * that applies it links its span to that trace. Metadata, not part of the case's history: the
   * hash does not cover it ({@link HashChain#hashOf}) and no client is shown it.
   */
  String traceparent();

  CaseEvent withHash(String hash);

  /** The name clients and the audit log know the event's type by, such as {@code case_opened}. */
  String typeName();

  /**
   * The header every event carries: which case, who, when, where in the chain, and the request that
   * caused it (its idempotency key and its trace). The decider stamps each event it makes with one.
   */
  record Stamp(
      String caseId,
      String tenant,
      String actor,
      Instant at,
      long seq,
      RequestKey requestKey,
      String prevHash,
      String traceparent) {}

  /** Every {@link #typeName}, as clients name and select event types. */
  List<String> TYPE_NAMES =
      List.of(
          "case_opened",
          "action_performed",
          "assignee_changed",
          "comment_added",
          "merge_step",
          "workflow_migrated");

  /** An event that moves a case from one state to another (or records a step in the same one). */
  sealed interface Transition extends CaseEvent {
    String action();

    String from();

    String to();

    /** The comment given with the action, or why a merge step happened; may be null. */
    String comment();
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
      case "workflow_migrated" -> WorkflowMigrated.class;
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
      int hashVersion,
      String hash,
      String traceparent)
      implements CaseEvent {

    public CaseOpened {
      data = Map.copyOf(data);
    }

    CaseOpened(
        Stamp stamp,
        String workflow,
        int workflowVersion,
        String subject,
        String title,
        String state,
        Map<String, Object> data) {
      this(
          stamp.caseId(),
          stamp.tenant(),
          stamp.actor(),
          stamp.at(),
          stamp.seq(),
          workflow,
          workflowVersion,
          subject,
          title,
          state,
          data,
          stamp.requestKey(),
          stamp.prevHash(),
          HashEncoding.CURRENT.version(),
          null,
          stamp.traceparent());
    }

    @Override
    public String typeName() {
      return "case_opened";
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
          hashVersion,
          newHash,
          traceparent);
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
      int hashVersion,
      String hash,
      String traceparent)
      implements Transition {

    public ActionPerformed {
      data = Map.copyOf(data);
    }

    ActionPerformed(
        Stamp stamp,
        String action,
        String from,
        String to,
        String comment,
        Map<String, Object> data) {
      this(
          stamp.caseId(),
          stamp.tenant(),
          stamp.actor(),
          stamp.at(),
          stamp.seq(),
          action,
          from,
          to,
          comment,
          data,
          stamp.requestKey(),
          stamp.prevHash(),
          HashEncoding.CURRENT.version(),
          null,
          stamp.traceparent());
    }

    @Override
    public String typeName() {
      return "action_performed";
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
          hashVersion,
          newHash,
          traceparent);
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
      int hashVersion,
      String hash,
      String traceparent)
      implements CaseEvent {

    AssigneeChanged(Stamp stamp, String assignee) {
      this(
          stamp.caseId(),
          stamp.tenant(),
          stamp.actor(),
          stamp.at(),
          stamp.seq(),
          assignee,
          stamp.requestKey(),
          stamp.prevHash(),
          HashEncoding.CURRENT.version(),
          null,
          stamp.traceparent());
    }

    @Override
    public String typeName() {
      return "assignee_changed";
    }

    @Override
    public AssigneeChanged withHash(String newHash) {
      return new AssigneeChanged(
          caseId,
          tenant,
          actor,
          at,
          seq,
          assignee,
          requestKey,
          prevHash,
          hashVersion,
          newHash,
          traceparent);
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
      int hashVersion,
      String hash,
      String traceparent)
      implements CaseEvent {

    CommentAdded(Stamp stamp, String text) {
      this(
          stamp.caseId(),
          stamp.tenant(),
          stamp.actor(),
          stamp.at(),
          stamp.seq(),
          text,
          stamp.requestKey(),
          stamp.prevHash(),
          HashEncoding.CURRENT.version(),
          null,
          stamp.traceparent());
    }

    @Override
    public String typeName() {
      return "comment_added";
    }

    @Override
    public CommentAdded withHash(String newHash) {
      return new CommentAdded(
          caseId,
          tenant,
          actor,
          at,
          seq,
          text,
          requestKey,
          prevHash,
          hashVersion,
          newHash,
          traceparent);
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
      int hashVersion,
      String hash,
      String traceparent)
      implements Transition {

    MergeStepRecorded(
        Stamp stamp,
        String sagaId,
        String action,
        String otherCaseId,
        String from,
        String to,
        String comment) {
      this(
          stamp.caseId(),
          stamp.tenant(),
          stamp.actor(),
          stamp.at(),
          stamp.seq(),
          sagaId,
          action,
          otherCaseId,
          from,
          to,
          comment,
          stamp.requestKey(),
          stamp.prevHash(),
          HashEncoding.CURRENT.version(),
          null,
          stamp.traceparent());
    }

    @Override
    public String typeName() {
      return "merge_step";
    }

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
          hashVersion,
          newHash,
          traceparent);
    }
  }

  /**
   * The case moved to a newer version of its workflow, by a migration the newer version declares:
   * from state {@code from} of version {@code fromVersion} to state {@code to} of {@code
   * toVersion}. Written when a bulk migration ({@code operationId}) asks, once per operation.
   */
  record WorkflowMigrated(
      String caseId,
      String tenant,
      String actor,
      Instant at,
      long seq,
      String operationId,
      int fromVersion,
      int toVersion,
      String from,
      String to,
      RequestKey requestKey,
      String prevHash,
      int hashVersion,
      String hash,
      String traceparent)
      implements Transition {

    WorkflowMigrated(
        Stamp stamp, String operationId, int fromVersion, int toVersion, String from, String to) {
      this(
          stamp.caseId(),
          stamp.tenant(),
          stamp.actor(),
          stamp.at(),
          stamp.seq(),
          operationId,
          fromVersion,
          toVersion,
          from,
          to,
          stamp.requestKey(),
          stamp.prevHash(),
          HashEncoding.CURRENT.version(),
          null,
          stamp.traceparent());
    }

    @Override
    public String typeName() {
      return "workflow_migrated";
    }

    @Override
    public String action() {
      return "migrate";
    }

    @Override
    public String comment() {
      return "version " + fromVersion + " to " + toVersion;
    }

    @Override
    public WorkflowMigrated withHash(String newHash) {
      return new WorkflowMigrated(
          caseId,
          tenant,
          actor,
          at,
          seq,
          operationId,
          fromVersion,
          toVersion,
          from,
          to,
          requestKey,
          prevHash,
          hashVersion,
          newHash,
          traceparent);
    }
  }
}
