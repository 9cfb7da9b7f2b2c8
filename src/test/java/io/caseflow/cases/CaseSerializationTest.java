package io.caseflow.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.caseflow.app.SerializationOnly;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseEvent.WorkflowMigrated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A case's history survives Pekko's Jackson serializer unchanged and still verifies; every other
 * message's wire form is held by {@code io.caseflow.app.WireSamplesTest}.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class CaseSerializationTest {

  static final Instant AT = Instant.parse("2026-11-22T09:00:00.123456789Z");
  static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  static final RequestKey KEY = new RequestKey("k-1", "ab".repeat(32));

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              SerializationOnly.settings(ConfigFactory.parseResources("application.conf")))
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

  private <T> T roundTrip(T message) {
    return new SerializationTestKit(testKit.system()).verifySerialization(message, false);
  }
}
