package io.caseflow.cases;

import static io.caseflow.cases.TestPrincipals.ALICE;
import static io.caseflow.testing.TestWorkflows.ONBOARDING;
import static io.caseflow.testkit.CaseCommands.by;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.app.SerializationOnly;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.observe.Tracing;
import io.caseflow.testing.RecordedSpans;
import io.caseflow.testing.TestWorkflows;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A failed persist answers {@code unavailable} at once and leaves no trace in the journal. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class CasePersistFailureTest {

  static final Config CONFIG =
      SerializationOnly.settings(ConfigFactory.parseResources("application.conf"))
          .withFallback(PersistenceTestKitPlugin.getInstance().config())
          .withFallback(PersistenceTestKitSnapshotPlugin.config());

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(CONFIG).build();

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final RecordedSpans spans = new RecordedSpans();

  @AfterEach
  void closeSpans() {
    spans.close();
  }

  @Test
  void failedPersistRepliesUnavailableAndRecordsNothing() {
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    CaseId caseId = new CaseId("acme", "c-1");
    String persistenceId = CaseEntity.persistenceId(caseId).id();
    TestProbe<CaseReply> caller = testKit.createTestProbe();
    ActorRef<CaseCommand> kase =
        testKit.spawn(
            CaseEntity.create(
                caseId,
                TestWorkflows.REGISTRY,
                Clock.systemUTC(),
                new CaseTags(1),
                new CommandMetrics(metrics, TestWorkflows.REGISTRY),
                spans.tracer()));
    kase.tell(
        by(ALICE)
            .withData(Map.of("riskLevel", "low"))
            .replyingTo(caller.getRef())
            .open(ONBOARDING, "S"));
    caller.expectMessageClass(Accepted.class);

    journal.failNextPersisted();
    kase.tell(by(ALICE).replyingTo(caller.getRef()).perform("submit"));

    Rejected rejected = caller.expectMessageClass(Rejected.class);
    assertEquals(ErrorCode.UNAVAILABLE, rejected.code());
    assertEquals(1, journal.persistedInStorage(persistenceId).size(), "only the opening is kept");
    assertEquals(1, commands("submit", "unavailable"), "the failed persist is counted as such");
    assertEquals(0, commands("submit", CommandMetrics.ACCEPTED));
    SpanData failedPersist = spans.named("journal persist").get(1);
    assertEquals(StatusCode.ERROR, failedPersist.getStatus().getStatusCode());
    SpanData failedCommand = spans.named("case PerformAction").get(0);
    assertEquals("unavailable", failedCommand.getAttributes().get(Tracing.OUTCOME));
    assertEquals(StatusCode.ERROR, failedCommand.getStatus().getStatusCode());

    caller.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          kase.tell(by(ALICE).replyingTo(caller.getRef()).perform("submit"));
          Accepted accepted = caller.expectMessageClass(Accepted.class);
          assertEquals(2, accepted.view().version(), "the failed event must not count");
          return null;
        });
    List<Object> kept = journal.persistedInStorage(persistenceId);
    assertInstanceOf(CaseOpened.class, kept.get(0));
    assertInstanceOf(ActionPerformed.class, kept.get(1));
  }

  private long commands(String command, String outcome) {
    return metrics
        .find("caseflow.commands")
        .tags("workflow", ONBOARDING, "command", command, "outcome", outcome)
        .timers()
        .stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
