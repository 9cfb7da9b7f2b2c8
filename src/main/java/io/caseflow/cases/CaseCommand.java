package io.caseflow.cases;

import io.caseflow.JsonSerializable;
import java.util.LinkedHashMap;
import java.util.Map;
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

  record GetCase(Principal principal, String traceparent, ActorRef<CaseReply> replyTo)
      implements CaseCommand {}

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
