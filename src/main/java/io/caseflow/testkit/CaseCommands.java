package io.caseflow.testkit;

import io.caseflow.cases.CaseCommand.AddComment;
import io.caseflow.cases.CaseCommand.ApplyMergeStep;
import io.caseflow.cases.CaseCommand.Assign;
import io.caseflow.cases.CaseCommand.GetCase;
import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.MergeStep;
import io.caseflow.cases.Principal;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Commands to a case, built by name instead of by position: {@code
 * by(alice).withData(Map.of("riskLevel", "high")).perform("submit")}. Every option starts absent
 * (no comment, no data, no {@code If-Match}, no idempotency key); each {@code with…} answers a new
 * builder.
 *
 * <p>{@code replyTo} matters only when the command is sent to a running entity; the {@link
 * WorkflowFixture} answers directly.
 */
public record CaseCommands(
    Principal principal,
    String title,
    String comment,
    Map<String, Object> data,
    Long expectedVersion,
    String idempotencyKey,
    String traceparent,
    ActorRef<CaseReply> replyTo) {

  public CaseCommands {
    data = Map.copyOf(data);
  }

  public static CaseCommands by(Principal principal) {
    return new CaseCommands(principal, null, null, Map.of(), null, null, null, null);
  }

  public CaseCommands withTitle(String newTitle) {
    return new CaseCommands(
        principal, newTitle, comment, data, expectedVersion, idempotencyKey, traceparent, replyTo);
  }

  /** The comment given with an action, or the reason given for a merge step. */
  public CaseCommands withComment(String newComment) {
    return new CaseCommands(
        principal, title, newComment, data, expectedVersion, idempotencyKey, traceparent, replyTo);
  }

  public CaseCommands withData(Map<String, Object> newData) {
    return new CaseCommands(
        principal, title, comment, newData, expectedVersion, idempotencyKey, traceparent, replyTo);
  }

  /** The version the client saw, as {@code If-Match} carries it. */
  public CaseCommands ifMatch(long version) {
    return new CaseCommands(
        principal, title, comment, data, version, idempotencyKey, traceparent, replyTo);
  }

  public CaseCommands withIdempotencyKey(String key) {
    return new CaseCommands(
        principal, title, comment, data, expectedVersion, key, traceparent, replyTo);
  }

  /** Sent as part of the trace a W3C {@code traceparent} names. */
  public CaseCommands tracedBy(String newTraceparent) {
    return new CaseCommands(
        principal, title, comment, data, expectedVersion, idempotencyKey, newTraceparent, replyTo);
  }

  public CaseCommands replyingTo(ActorRef<CaseReply> ref) {
    return new CaseCommands(
        principal, title, comment, data, expectedVersion, idempotencyKey, traceparent, ref);
  }

  public OpenCase open(String workflow, String subject) {
    return new OpenCase(
        principal, workflow, subject, title, data, idempotencyKey, traceparent, replyTo);
  }

  public PerformAction perform(String action) {
    return new PerformAction(
        principal, action, comment, data, expectedVersion, idempotencyKey, traceparent, replyTo);
  }

  /** Assigns the case to {@code assignee}, or unassigns it when that is null. */
  public Assign assign(String assignee) {
    return new Assign(principal, assignee, expectedVersion, idempotencyKey, traceparent, replyTo);
  }

  public AddComment comment(String text) {
    return new AddComment(principal, text, expectedVersion, idempotencyKey, traceparent, replyTo);
  }

  public GetCase get() {
    return new GetCase(principal, traceparent, replyTo);
  }

  public ApplyMergeStep mergeStep(String sagaId, MergeStep step, String otherCaseId) {
    return new ApplyMergeStep(
        principal, sagaId, step, otherCaseId, expectedVersion, comment, traceparent, replyTo);
  }
}
