package io.caseflow.cases;

import static io.caseflow.cases.TestPrincipals.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseEvent.WorkflowMigrated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every persisted or remotely sent message survives Pekko's Jackson serializer unchanged. */
@ExtendWith(TestKitJUnit5Extension.class)
class CaseSerializationTest {

  static final Instant AT = Instant.parse("2026-11-22T09:00:00.123456789Z");
  static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  static final RequestKey KEY = new RequestKey("k-1", "ab".repeat(32));

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                  "pekko.actor.serialization-bindings { \"io.caseflow.JsonSerializable\" = jackson-json }"))
          .build();

  @Test
  void eventsRoundTripAndStillVerify() {
    CaseOpened opened =
        HashChain.seal(
            new CaseOpened(
                "c-1",
                "acme",
                "alice",
                AT,
                1,
                "due-diligence",
                1,
                "S",
                "T",
                "draft",
                Map.of("riskLevel", "high", "amount", 12.5, "count", 3, "verified", true),
                KEY,
                HashChain.GENESIS,
                HashEncoding.CURRENT.version(),
                null,
                null));
    ActionPerformed performed =
        HashChain.seal(
            new ActionPerformed(
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
                null,
                opened.hash(),
                HashEncoding.CURRENT.version(),
                null,
                TRACE));
    AssigneeChanged assigned =
        HashChain.seal(
            new AssigneeChanged(
                "c-1",
                "acme",
                "carol",
                AT,
                3,
                null,
                KEY,
                performed.hash(),
                HashEncoding.CURRENT.version(),
                null,
                null));
    CommentAdded commented =
        HashChain.seal(
            new CommentAdded(
                "c-1",
                "acme",
                "bob",
                AT,
                4,
                "looks fine",
                null,
                assigned.hash(),
                HashEncoding.CURRENT.version(),
                null,
                null));

    MergeStepRecorded merging =
        HashChain.seal(
            new MergeStepRecorded(
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
                null,
                null,
                commented.hash(),
                HashEncoding.CURRENT.version(),
                null,
                null));

    WorkflowMigrated migrated =
        HashChain.seal(
            new WorkflowMigrated(
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
                null,
                merging.hash(),
                HashEncoding.CURRENT.version(),
                null,
                null));

    List<CaseEvent> history = List.of(opened, performed, assigned, commented, merging, migrated);
    List<CaseEvent> copies = history.stream().map(this::roundTrip).toList();

    assertEquals(history, copies);
    assertEquals(java.util.OptionalLong.empty(), HashChain.firstBrokenSeq(copies));
    assertEquals(
        history,
        history.stream()
            .map(
                event ->
                    CanonicalJson.parse(
                        CanonicalJson.toJson(event), CaseEvent.typeNamed(event.typeName())))
            .toList(),
        "the read side's copy of an event (audit_log, which the tenant feed reads) reads back");
    assertEquals(
        CaseEvent.TYPE_NAMES,
        history.stream().map(CaseEvent::typeName).toList(),
        "one type name per kind of event, as clients select them");
  }

  @Test
  void commandsRoundTrip() {
    ActorRef<CaseReply> replyTo = testKit.createTestProbe(CaseReply.class).getRef();
    List.of(
            new CaseCommand.OpenCase(
                ALICE, "due-diligence", "S", "T", Map.of("riskLevel", "low"), "k", TRACE, replyTo),
            new CaseCommand.PerformAction(ALICE, "submit", "c", Map.of(), 3L, "k", TRACE, replyTo),
            new CaseCommand.PerformAction(
                ALICE, "submit", null, Map.of(), null, null, null, replyTo),
            new CaseCommand.Assign(ALICE, null, null, null, null, replyTo),
            new CaseCommand.AddComment(ALICE, "text", 2L, "k", null, replyTo),
            new CaseCommand.GetCase(ALICE, TRACE, replyTo),
            new CaseCommand.Explain(ALICE, TRACE, replyTo),
            new CaseCommand.MigrateWorkflow(ALICE, 2, "op-1", TRACE, replyTo),
            new CaseCommand.FireDeadline(
                CaseCommand.FireDeadline.system("acme"),
                "in_review:escalate",
                3L,
                AT,
                TRACE,
                replyTo),
            new CaseCommand.ApplyMergeStep(
                ALICE, "saga-1", MergeStep.RECORD_IN_PRIMARY, "c-2", 4L, null, null, replyTo))
        .forEach(command -> assertEquals(command, roundTrip(command)));
  }

  @Test
  void repliesRoundTrip() {
    CaseView view =
        new CaseView(
            "c-1",
            "acme",
            "due-diligence",
            1,
            "S",
            "T",
            "draft",
            1,
            null,
            Map.of("riskLevel", "low"),
            AT,
            AT,
            null);
    List.of(
            new CaseReply.Accepted(view),
            new CaseReply.Replayed(4),
            new CaseReply.Explanation(
                view,
                1,
                AT,
                List.of(
                    new CaseReply.Verdict("submit", true, null, Map.of()),
                    new CaseReply.Verdict(
                        "approve", false, ErrorCode.INVALID_TRANSITION, Map.of("state", "draft"))),
                List.of(new CaseReply.PendingDeadline("draft:expire", "expire", AT))),
            CaseReply.Rejected.of(
                ErrorCode.INVALID_TRANSITION, "state", "draft", "action", "approve"))
        .forEach(reply -> assertEquals(reply, roundTrip(reply)));
  }

  @Test
  void snapshotStateRoundTrips() {
    CaseState state =
        new CaseState.Active(
            "c-1",
            "acme",
            "due-diligence",
            1,
            "S",
            "T",
            "in_review",
            7,
            "bob",
            Map.of("riskLevel", "low"),
            AT,
            AT,
            "cd".repeat(32),
            Map.of("submit", "alice"),
            List.of(new CaseState.ProcessedRequest("k", "ef".repeat(32), 2)),
            new CaseState.MergeLink("saga-2", "c-9", "draft", true),
            Map.of("saga-1", new CaseState.MergeLink("saga-1", "c-2", "in_review", false)),
            Set.of("saga-2"),
            5,
            AT);
    assertEquals(state, roundTrip(state));
  }

  private <T> T roundTrip(T message) {
    return new SerializationTestKit(testKit.system()).verifySerialization(message, false);
  }
}
