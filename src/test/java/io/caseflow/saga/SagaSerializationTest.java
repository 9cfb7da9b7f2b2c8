package io.caseflow.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.MergeStep;
import io.caseflow.cases.Principal;
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

/**
 * The sagas' events and states (persisted) and their messages and replies (sent between nodes when
 * a saga and its caller live on different nodes) survive Pekko's Jackson serializer unchanged.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class SagaSerializationTest {

  private static final Instant AT = Instant.parse("2026-11-22T09:00:00.123456Z");
  private static final Principal BOB = new Principal("bob", "acme", Set.of("reviewer"));

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                  "pekko.actor.serialization-bindings { \"io.caseflow.JsonSerializable\" = jackson-json }"))
          .build();

  @Test
  void mergeSagaEventsStateAndMessagesRoundTrip() {
    MergeSaga.Request request = new MergeSaga.Request("acme", "d-1", "p-1", BOB, 4L);
    MergeSaga.View view =
        new MergeSaga.View(
            "s-1",
            "merge",
            "acme",
            MergeSaga.Status.COMPENSATED,
            "d-1",
            "p-1",
            "bob",
            List.of(
                new MergeSaga.StepTaken(MergeStep.START, false, AT),
                new MergeSaga.StepTaken(MergeStep.RECORD_IN_PRIMARY, true, AT)),
            List.of(new MergeSaga.StepTaken(MergeStep.REVERT_START, false, AT)),
            new MergeSaga.Refusal(
                MergeStep.RECORD_IN_PRIMARY, ErrorCode.VERSION_CONFLICT, Map.of("expected", "4")),
            AT,
            AT);
    ActorRef<MergeSaga.View> views = testKit.createTestProbe(MergeSaga.View.class).getRef();
    ActorRef<MergeSaga.Found> found = testKit.createTestProbe(MergeSaga.Found.class).getRef();
    List.of(
            new MergeSaga.MergeRequested(request, AT),
            new MergeSaga.StepDone(MergeStep.START, AT),
            new MergeSaga.StepRefused(
                MergeStep.RECORD_IN_PRIMARY, "version_conflict", Map.of("actual", "5"), AT),
            new MergeSaga.CompensationDone(MergeStep.REVERT_START, AT),
            new MergeSaga.Finished(MergeSaga.Status.COMPENSATED, AT),
            new MergeSaga.Start(request, views),
            new MergeSaga.Get(found),
            new MergeSaga.Resume(),
            new MergeSaga.Found(view),
            new MergeSaga.Found(null),
            view)
        .forEach(message -> assertEquals(message, roundTrip(message)));
  }

  @Test
  void subjectClaimEventsStateAndMessagesRoundTrip() {
    SubjectClaim.OpenRequest request =
        new SubjectClaim.OpenRequest(
            "c-1",
            BOB,
            "due-diligence",
            "ACME Ltd",
            null,
            Map.of("riskLevel", "low"),
            "k-1",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    ActorRef<CaseReply> replies = testKit.createTestProbe(CaseReply.class).getRef();
    List.of(
            new SubjectClaim.Claimed(request, AT),
            new SubjectClaim.Confirmed("c-1", AT),
            new SubjectClaim.Released("c-1", "case_closed", AT),
            new SubjectClaim.Pending(request),
            new SubjectClaim.Held("c-1"),
            new SubjectClaim.Free(),
            new SubjectClaim.Open(request, replies),
            new SubjectClaim.Resume())
        .forEach(message -> assertEquals(message, roundTrip(message)));
  }

  private <T> T roundTrip(T message) {
    return new SerializationTestKit(testKit.system()).verifySerialization(message, false);
  }
}
