package io.caseflow.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.app.SerializationOnly;
import io.caseflow.cases.CaseState.Active;
import java.util.List;
import java.util.OptionalLong;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events an earlier release wrote, read by this one through the service's own serialization
 * settings (its Jackson migrations): they replay to the same case and their chain still verifies.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class CaseEventEvolutionTest {

  /** The service's serialization settings, as {@code conf/application.conf} has them. */
  static Config serialization() {
    return SerializationOnly.settings(ConfigFactory.parseResources("application.conf"));
  }

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(serialization()).build();

  @Test
  void eventsOfTheEarlierShapeReplayAndVerify() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    List<CaseEvent> history =
        JournalFixture.beforeHashVersions().stream()
            .filter(row -> row.persistenceId().equals("Case|acme:old-1"))
            .map(
                row ->
                    (CaseEvent)
                        serialization
                            .deserialize(row.payloadBytes(), row.serializerId(), row.manifest())
                            .get())
            .toList();

    assertEquals(5, history.size());
    assertTrue(history.stream().allMatch(event -> event.hashVersion() == 1));
    assertEquals(OptionalLong.empty(), HashChain.firstBrokenSeq(history));
    Active replayed = (Active) CaseState.replay(history);
    assertEquals("approved", replayed.state());
    assertEquals("bob", replayed.assignee());
    assertEquals(history.get(4).hash(), replayed.lastHash());
  }

  @Test
  void anOldEventWrittenAgainTakesTheCurrentShapeAndReadsBackTheSame() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    JournalFixture row = JournalFixture.beforeHashVersions().get(0);
    CaseEvent old =
        (CaseEvent)
            serialization.deserialize(row.payloadBytes(), row.serializerId(), row.manifest()).get();
    Serializer serializer = serialization.findSerializerFor(old);
    String manifest = Serializers.manifestFor(serializer, old);
    assertEquals(
        "case.event.opened#2", manifest, "written under its wire name, with the shape's version");
    byte[] written = serialization.serialize(old).get();
    assertTrue(
        new String(written, java.nio.charset.StandardCharsets.UTF_8).contains("\"hashVersion\":1"));
    assertEquals(old, serialization.deserialize(written, serializer.identifier(), manifest).get());
  }

  @Test
  void theReadSidesCopyOfAnOldEventReadsAsTheCurrentShape() {
    JournalFixture row = JournalFixture.beforeHashVersions().get(1);
    assertFalse(row.payload().contains("hashVersion"));
    CaseEvent event = CaseEventMigration.parseStored("action_performed", row.payload());
    assertEquals(1, event.hashVersion());
    assertTrue(HashChain.holds(event));
  }
}
