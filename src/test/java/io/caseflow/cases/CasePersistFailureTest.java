package io.caseflow.cases;

import static io.caseflow.cases.TestPrincipals.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.notify.CaseEventTopics;
import io.caseflow.workflow.WorkflowRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A failed persist answers {@code unavailable} and announces nothing. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class CasePersistFailureTest {

  static final Config CONFIG =
      ConfigFactory.parseString(
              "pekko.actor.serialization-bindings { \"io.caseflow.JsonSerializable\" = jackson-json }")
          .withFallback(PersistenceTestKitPlugin.getInstance().config())
          .withFallback(PersistenceTestKitSnapshotPlugin.config());

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(CONFIG).build();

  @Test
  void failedPersistRepliesUnavailableAndNotifiesNobody() {
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    CaseEventTopics topics = new CaseEventTopics(testKit.system());
    TestProbe<CaseEvent> subscriber = testKit.createTestProbe();
    topics.topicFor("acme").tell(Topic.subscribe(subscriber.getRef()));
    TestProbe<CaseReply> caller = testKit.createTestProbe();
    ActorRef<CaseCommand> kase =
        testKit.spawn(
            CaseEntity.create(
                new CaseId("acme", "c-1"),
                WorkflowRegistry.fromClasspath(),
                Clock.systemUTC(),
                topics,
                new CaseTags(1)));
    awaitSubscription(topics, subscriber, kase, caller);

    journal.failNextPersisted();
    kase.tell(new PerformAction(ALICE, "submit", null, Map.of(), null, null, caller.getRef()));

    Rejected rejected = caller.expectMessageClass(Rejected.class);
    assertEquals(ErrorCode.UNAVAILABLE, rejected.code());
    subscriber.expectNoMessage(Duration.ofMillis(500));

    caller.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          kase.tell(
              new PerformAction(ALICE, "submit", null, Map.of(), null, null, caller.getRef()));
          Accepted accepted = caller.expectMessageClass(Accepted.class);
          assertEquals(2, accepted.view().version(), "the failed event must not count");
          return null;
        });
    assertInstanceOf(ActionPerformed.class, subscriber.receiveMessage());
  }

  /** Opens the case and waits until its announcement reaches the subscriber. */
  private static void awaitSubscription(
      CaseEventTopics topics,
      TestProbe<CaseEvent> subscriber,
      ActorRef<CaseCommand> kase,
      TestProbe<CaseReply> caller) {
    kase.tell(
        new OpenCase(
            ALICE, "due-diligence", "S", "T", Map.of("riskLevel", "low"), null, caller.getRef()));
    caller.expectMessageClass(Accepted.class);
    assertInstanceOf(CaseOpened.class, subscriber.receiveMessage(Duration.ofSeconds(5)));
  }
}
