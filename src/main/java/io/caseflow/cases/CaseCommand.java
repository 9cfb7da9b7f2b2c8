package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/** What may be asked of a case. Every command names its principal and expects a reply. */
public sealed interface CaseCommand extends JsonSerializable {

  Principal principal();

  /**
   * The W3C {@code traceparent} of the span that sent the command (an HTTP request's), or null. The
   * entity's spans continue that trace, and the event it persists keeps it for the projection.
   */
  String traceparent();

  ActorRef<CaseReply> replyTo();

  /** A command that changes the case and may therefore carry an idempotency key. */
  sealed interface Change extends CaseCommand {

    /** The client's idempotency key, or null. */
    String idempotencyKey();

    /** The version the client saw (If-Match), or null when it did not say. */
    default Long expectedVersion() {
      return null;
    }

    /** What makes two requests under one idempotency key the same request. */
    Map<String, Object> requestContent();

    /**
     * The key with a fingerprint of the request: a sealed value counts by its subject and tag,
     * which a retry of the same value keeps.
     */
    @SuppressWarnings("unchecked")
    default RequestKey requestKey() {
      if (idempotencyKey() == null) {
        return null;
      }
      Map<String, Object> content = new LinkedHashMap<>(requestContent());
      content.put("command", getClass().getSimpleName());
      content.put("user", principal().userId());
      return new RequestKey(
          idempotencyKey(),
          CanonicalJson.sha256((Map<String, Object>) (Map<?, ?>) PersonalData.stable(content)));
    }
  }

  record OpenCase(
      Principal principal,
      String workflow,
      String subject,
      String title,
      Map<String, Object> data,
      String idempotencyKey,
      String traceparent,
      ActorRef<CaseReply> replyTo)
      implements Change {

    public OpenCase {
      data = data == null ? Map.of() : data;
    }

    @Override
    public Map<String, Object> requestContent() {
      Map<String, Object> content = new LinkedHashMap<>();
      content.put("workflow", workflow);
      content.put("subject", subject);
      content.put("title", title);
      content.put("data", data);
      return content;
    }
  }

  record PerformAction(
      Principal principal,
      String action,
      String comment,
      Map<String, Object> data,
      Long expectedVersion,
      String idempotencyKey,
      String traceparent,
      ActorRef<CaseReply> replyTo)
      implements Change {

    public PerformAction {
      data = data == null ? Map.of() : data;
    }

    @Override
    public Map<String, Object> requestContent() {
      Map<String, Object> content = new LinkedHashMap<>();
      content.put("action", action);
      content.put("comment", comment);
      content.put("data", data);
      return content;
    }
  }

  /** {@code assignee} null unassigns the case. */
  record Assign(
      Principal principal,
      String assignee,
      Long expectedVersion,
      String idempotencyKey,
      String traceparent,
      ActorRef<CaseReply> replyTo)
      implements Change {

    @Override
    public Map<String, Object> requestContent() {
      Map<String, Object> content = new LinkedHashMap<>();
      content.put("assignee", assignee);
      return content;
    }
  }

  record AddComment(
      Principal principal,
      String text,
      Long expectedVersion,
      String idempotencyKey,
      String traceparent,
      ActorRef<CaseReply> replyTo)
      implements Change {

    @Override
    public Map<String, Object> requestContent() {
      Map<String, Object> content = new LinkedHashMap<>();
      content.put("text", text);
      return content;
    }
  }

  /**
   * Moves the case to version {@code toVersion} of its workflow, as that version's migration from
   * the case's version maps its state; part of bulk operation {@code operationId}, once.
   */
  record MigrateWorkflow(
      Principal principal,
      int toVersion,
      String operationId,
      String traceparent,
      ActorRef<CaseReply> replyTo)
      implements Change {

    @Override
    public String idempotencyKey() {
      return "bulk:" + operationId;
    }

    @Override
    public Map<String, Object> requestContent() {
      Map<String, Object> content = new LinkedHashMap<>();
      content.put("toVersion", toVersion);
      content.put("operationId", operationId);
      return content;
    }
  }

  /** A command that only reads the case: it is answered, never persisted, never counted. */
  sealed interface Read extends CaseCommand {}

  record GetCase(Principal principal, String traceparent, ActorRef<CaseReply> replyTo)
      implements Read {}

  /**
   * Why the case is where it is and what the principal may do with it now: each action of its
   * workflow, judged by the very rules a command would be.
   */
  record Explain(Principal principal, String traceparent, ActorRef<CaseReply> replyTo)
      implements Read {}

  /**
   * A deadline of the case come due: the system performs its action, once. {@code deadline} names
   * it ({@link io.caseflow.workflow.Deadline#key} or the due date's {@link
   * io.caseflow.workflow.DueDate#KEY}); {@code startedSeq} is the event that moved the case into
   * the state the deadline runs in, and {@code dueAt} when it came due. Its idempotency key is
   * derived from them, so a repeat (after a crash, from another node) changes nothing.
   */
  record FireDeadline(
      Principal principal,
      String deadline,
      long startedSeq,
      Instant dueAt,
      String traceparent,
      ActorRef<CaseReply> replyTo)
      implements Change {

    /** Who performs what deadlines make due: the system, in the case's tenant. */
    public static Principal system(String tenant) {
      return new Principal(SYSTEM, tenant, Set.of());
    }

    public static final String SYSTEM = "system:deadline";

    @Override
    public String idempotencyKey() {
      return "deadline:" + deadline + ":" + startedSeq + ":" + dueAt;
    }

    @Override
    public Map<String, Object> requestContent() {
      Map<String, Object> content = new LinkedHashMap<>();
      content.put("deadline", deadline);
      content.put("startedSeq", startedSeq);
      content.put("dueAt", dueAt.toString());
      return content;
    }
  }

  /**
   * A merge saga's step on this case. Idempotent per {@code sagaId}: asked again, it writes nothing
   * and answers the case. {@code otherCaseId} is the case merged into (on the duplicate) or from
   * (on the primary); {@code expectedVersion} is the primary's version the merge was asked against,
   * or null; {@code reason} says why a compensation runs.
   */
  record ApplyMergeStep(
      Principal principal,
      String sagaId,
      MergeStep step,
      String otherCaseId,
      Long expectedVersion,
      String reason,
      String traceparent,
      ActorRef<CaseReply> replyTo)
      implements CaseCommand {}
}
