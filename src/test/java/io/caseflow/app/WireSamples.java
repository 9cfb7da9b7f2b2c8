package io.caseflow.app;

import io.caseflow.cases.CaseCommand;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseState;
import io.caseflow.cases.CaseView;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.HashEncoding;
import io.caseflow.cases.MergeStep;
import io.caseflow.cases.Principal;
import io.caseflow.cases.RequestKey;
import io.caseflow.query.CaseSelection;
import io.caseflow.saga.BulkOperation;
import io.caseflow.saga.MergeSaga;
import io.caseflow.saga.SubjectClaim;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One sample of every message Caseflow persists or sends between nodes, as today's code makes it,
 * each field filled where the type allows (a field left null here is one no check can catch
 * missing). {@link WireSamplesTest} keeps the serialized form of each release's samples and reads
 * every earlier release's with today's code.
 *
 * <p>Sets and the like hold one element each: their serialized order would differ between runs.
 */
final class WireSamples {

  /** {@code name} is the sample's file name in a release's directory. */
  record Sample(String name, Object message) {}

  private static final Instant AT = Instant.parse("2026-11-22T09:00:00.123456Z");
  private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final RequestKey KEY = new RequestKey("k-1", "ab".repeat(32));
  private static final String PREV = "cd".repeat(32);
  private static final String HASH = "ef".repeat(32);
  private static final int HASHING = HashEncoding.CURRENT.version();
  private static final Principal BOB = new Principal("bob", "acme", Set.of("reviewer"));
  private static final Map<String, Object> DATA =
      Map.of("riskLevel", "high", "amount", 12.5, "count", 3, "verified", true);

  private WireSamples() {}

  /**
   * Every sample; {@code replyTo} stands for every actor reference in them (its serialized form
   * must not change between runs: the dead letters of a system with a fixed name).
   */
  static List<Sample> all(ActorRef<Object> replyTo) {
    return List.of(
        // the case's events (the journal) and snapshot
        sample(
            new CaseEvent.CaseOpened(
                "c-1",
                "acme",
                "alice",
                AT,
                1,
                "due-diligence",
                1,
                "ACME",
                "Acme Ltd",
                "draft",
                DATA,
                KEY,
                PREV,
                HASHING,
                HASH,
                TRACE)),
        sample(
            new CaseEvent.ActionPerformed(
                "c-1",
                "acme",
                "alice",
                AT,
                2,
                "submit",
                "draft",
                "in_review",
                "go",
                Map.of("jurisdiction", "UK"),
                KEY,
                PREV,
                HASHING,
                HASH,
                TRACE)),
        sample(
            new CaseEvent.AssigneeChanged(
                "c-1", "acme", "carol", AT, 3, "bob", KEY, PREV, HASHING, HASH, TRACE)),
        sample(
            new CaseEvent.CommentAdded(
                "c-1", "acme", "bob", AT, 4, "looks fine", KEY, PREV, HASHING, HASH, TRACE)),
        sample(
            new CaseEvent.MergeStepRecorded(
                "c-1",
                "acme",
                "bob",
                AT,
                5,
                "saga-1",
                MergeStep.START.actionName(),
                "c-2",
                "in_review",
                MergeStep.MERGING,
                "duplicate of c-2",
                KEY,
                PREV,
                HASHING,
                HASH,
                TRACE)),
        sample(
            new CaseEvent.WorkflowMigrated(
                "c-1",
                "acme",
                "ops",
                AT,
                6,
                "op-1",
                1,
                2,
                "in_review",
                "review",
                KEY,
                PREV,
                HASHING,
                HASH,
                TRACE)),
        sample(
            new CaseState.Active(
                "c-1",
                "acme",
                "due-diligence",
                1,
                "ACME",
                "Acme Ltd",
                "in_review",
                7,
                "bob",
                Map.of("riskLevel", "low"),
                AT,
                AT,
                HASH,
                Map.of("submit", "alice"),
                List.of(new CaseState.ProcessedRequest("k", HASH, 2)),
                new CaseState.MergeLink("saga-2", "c-9", "draft", true),
                Map.of("saga-1", new CaseState.MergeLink("saga-1", "c-2", "in_review", false)),
                Set.of("saga-2"),
                5,
                AT)),
        sample(new CaseState.Empty()),
        // the case's commands and replies (between a node's API and the case's shard)
        sample(
            new CaseCommand.OpenCase(
                BOB, "due-diligence", "ACME", "Acme Ltd", DATA, "k", TRACE, ref(replyTo))),
        sample(
            new CaseCommand.PerformAction(
                BOB, "submit", "go", Map.of("jurisdiction", "UK"), 3L, "k", TRACE, ref(replyTo))),
        sample(new CaseCommand.Assign(BOB, "carol", 2L, "k", TRACE, ref(replyTo))),
        sample(new CaseCommand.AddComment(BOB, "text", 2L, "k", TRACE, ref(replyTo))),
        sample(new CaseCommand.GetCase(BOB, TRACE, ref(replyTo))),
        sample(new CaseCommand.Explain(BOB, TRACE, ref(replyTo))),
        sample(new CaseCommand.MigrateWorkflow(BOB, 2, "op-1", TRACE, ref(replyTo))),
        sample(
            new CaseCommand.FireDeadline(
                CaseCommand.FireDeadline.system("acme"),
                "in_review:escalate",
                3L,
                AT,
                TRACE,
                ref(replyTo))),
        sample(
            new CaseCommand.ApplyMergeStep(
                BOB,
                "saga-1",
                MergeStep.RECORD_IN_PRIMARY,
                "c-2",
                4L,
                "refused",
                TRACE,
                ref(replyTo))),
        sample(new CaseReply.Accepted(view())),
        sample(new CaseReply.Replayed(4)),
        sample(
            new CaseReply.Explanation(
                view(),
                1,
                AT,
                List.of(
                    new CaseReply.Verdict(
                        "approve", false, ErrorCode.INVALID_TRANSITION, Map.of("state", "draft"))),
                List.of(new CaseReply.PendingDeadline("draft:expire", "expire", AT)))),
        sample(CaseReply.Rejected.of(ErrorCode.INVALID_TRANSITION, "state", "draft")),
        sample(view()),
        // the merge saga (persisted; its messages cross nodes)
        sample(new MergeSaga.MergeRequested(mergeRequest(), AT)),
        sample(new MergeSaga.StepDone(MergeStep.START, AT)),
        sample(
            new MergeSaga.StepRefused(
                MergeStep.RECORD_IN_PRIMARY, "version_conflict", Map.of("actual", "5"), AT)),
        sample(new MergeSaga.CompensationDone(MergeStep.REVERT_START, AT)),
        sample(new MergeSaga.Finished(MergeSaga.Status.COMPENSATED, AT)),
        sample(
            new MergeSaga.State(
                mergeRequest(),
                MergeSaga.Status.COMPENSATED,
                List.of(new MergeSaga.StepTaken(MergeStep.START, false, AT)),
                List.of(new MergeSaga.StepTaken(MergeStep.REVERT_START, false, AT)),
                mergeRefusal(),
                AT,
                AT)),
        sample(new MergeSaga.Start(mergeRequest(), ref(replyTo))),
        sample(new MergeSaga.Get(ref(replyTo))),
        sample(new MergeSaga.Resume()),
        sample(new MergeSaga.Found(mergeView())),
        sample(mergeView()),
        // the subject claim (persisted; its messages cross nodes)
        sample(new SubjectClaim.Claimed(openRequest(), AT)),
        sample(new SubjectClaim.Confirmed("c-1", AT)),
        sample(new SubjectClaim.Released("c-1", "case_closed", AT)),
        sample(new SubjectClaim.Free()),
        sample(new SubjectClaim.Pending(openRequest())),
        sample(new SubjectClaim.Held("c-1")),
        sample(new SubjectClaim.Open(openRequest(), ref(replyTo))),
        sample(new SubjectClaim.Resume()),
        // bulk operations (persisted; their messages cross nodes)
        sample(new BulkOperation.Started(bulkRequest(), 120, AT)),
        sample(new BulkOperation.PageTaken(List.of("c-1"), AT)),
        sample(new BulkOperation.Progressed("c-1", 1, List.of(bulkFailure()), AT)),
        sample(new BulkOperation.CancelRequested(AT)),
        sample(new BulkOperation.Finished(BulkOperation.Status.CANCELLED, AT)),
        sample(
            new BulkOperation.State(
                bulkRequest(),
                120,
                "c-1",
                List.of("c-2"),
                1,
                1,
                List.of(bulkFailure()),
                true,
                BulkOperation.Status.RUNNING,
                AT,
                AT)),
        sample(bulkRequest()),
        sample(bulkFailure()),
        sample(new BulkOperation.Start(bulkRequest(), 120, ref(replyTo))),
        sample(new BulkOperation.Get(ref(replyTo))),
        sample(new BulkOperation.Cancel(ref(replyTo))),
        sample(new BulkOperation.Resume()),
        sample(new BulkOperation.Found(bulkView())),
        sample(bulkView()));
  }

  /** Named after its type's wire name (case.event.opened), or its class if it has none. */
  private static Sample sample(Object message) {
    return new Sample(
        WireTypes.of(message.getClass())
            .map(WireTypes.WireType::name)
            .orElse(message.getClass().getName()),
        message);
  }

  @SuppressWarnings("unchecked")
  private static <T> ActorRef<T> ref(ActorRef<Object> any) {
    return (ActorRef<T>) (ActorRef<?>) any;
  }

  private static CaseView view() {
    return new CaseView(
        "c-1",
        "acme",
        "due-diligence",
        1,
        "ACME",
        "Acme Ltd",
        "draft",
        1,
        "bob",
        Map.of("riskLevel", "low"),
        AT,
        AT,
        "saga-1");
  }

  private static MergeSaga.Request mergeRequest() {
    return new MergeSaga.Request("acme", "d-1", "p-1", BOB, 4L);
  }

  private static MergeSaga.Refusal mergeRefusal() {
    return new MergeSaga.Refusal(
        MergeStep.RECORD_IN_PRIMARY, ErrorCode.VERSION_CONFLICT, Map.of("expected", "4"));
  }

  private static MergeSaga.View mergeView() {
    return new MergeSaga.View(
        "s-1",
        "merge",
        "acme",
        MergeSaga.Status.COMPENSATED,
        "d-1",
        "p-1",
        "bob",
        List.of(new MergeSaga.StepTaken(MergeStep.RECORD_IN_PRIMARY, true, AT)),
        List.of(new MergeSaga.StepTaken(MergeStep.REVERT_START, false, AT)),
        mergeRefusal(),
        AT,
        AT);
  }

  private static SubjectClaim.OpenRequest openRequest() {
    return new SubjectClaim.OpenRequest(
        "c-1", BOB, "due-diligence", "ACME Ltd", "Onboarding", DATA, "k-1", TRACE);
  }

  private static BulkOperation.Request bulkRequest() {
    return new BulkOperation.Request(
        BulkOperation.Kind.MIGRATION,
        "acme",
        BOB,
        new CaseSelection("due-diligence", 1, "in_review", "bob"),
        2,
        "carol");
  }

  private static BulkOperation.Failure bulkFailure() {
    return new BulkOperation.Failure("c-9", "invalid_transition");
  }

  private static BulkOperation.View bulkView() {
    return new BulkOperation.View(
        "op-1",
        "migration",
        "acme",
        "running",
        "bob",
        new CaseSelection("due-diligence", 1, "in_review", "bob"),
        2,
        "carol",
        120,
        1,
        1,
        List.of(bulkFailure()),
        true,
        AT,
        AT);
  }
}
