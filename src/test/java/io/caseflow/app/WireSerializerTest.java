package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.HashEncoding;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wire form's guards: what the serializer refuses to write or read. */
class WireSerializerTest {

  private static ActorSystem system;
  private static WireSerializer serializer;

  @BeforeAll
  static void start() {
    system = SerializationOnly.start("wire", ConfigFactory.parseResources("application.conf"));
    serializer = new WireSerializer((ExtendedActorSystem) system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void theServiceBindsItsMessagesToTheWireSerializer() {
    CaseEvent event = comment();
    assertEquals(
        WireSerializer.IDENTIFIER,
        SerializationExtension.get(system).findSerializerFor(event).identifier());
    assertEquals("case.event.comment-added#2", serializer.manifest(event));
  }

  @Test
  void aManifestNoTypeHasIsRefused() {
    byte[] bytes = serializer.toBinary(comment());
    NotSerializableException refused =
        assertThrows(
            NotSerializableException.class,
            () -> serializer.fromBinary(bytes, "io.caseflow.cases.CaseEvent$CommentAdded#2"));
    assertTrue(refused.getMessage().contains("no type has the wire name"), refused::getMessage);
  }

  @Test
  void aShapeNewerThanTheMigrationReadsIsRefused() {
    byte[] bytes = serializer.toBinary(comment());
    NotSerializableException refused =
        assertThrows(
            NotSerializableException.class,
            () -> serializer.fromBinary(bytes, "case.event.comment-added#3"));
    assertTrue(refused.getMessage().contains("newer shape"), refused::getMessage);
    assertThrows(
        NotSerializableException.class,
        () -> serializer.fromBinary(bytes, "case.event.comment-added#two"));
  }

  @Test
  void anOlderShapeIsUpgradedByTheTypesMigration() throws Exception {
    String shapeOne =
        new String(serializer.toBinary(comment()), StandardCharsets.UTF_8)
            .replaceFirst(",?\"hashVersion\":2", "");
    CaseEvent.CommentAdded read =
        (CaseEvent.CommentAdded)
            serializer.fromBinary(
                shapeOne.getBytes(StandardCharsets.UTF_8), "case.event.comment-added#1");
    assertEquals(HashEncoding.V1.version(), read.hashVersion());
  }

  @Test
  void aMessageWithoutAWireNameIsNotWritten() {
    record Unnamed(String text) implements io.caseflow.JsonSerializable {}
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> serializer.manifest(new Unnamed("x")));
    assertTrue(refused.getMessage().contains("has no wire name"), refused::getMessage);
    assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(new Unnamed("x")));
  }

  private static CaseEvent comment() {
    return new CaseEvent.CommentAdded(
        "c-1",
        "acme",
        "bob",
        Instant.parse("2026-11-22T09:00:00Z"),
        2,
        "looks fine",
        null,
        "cd".repeat(32),
        HashEncoding.CURRENT.version(),
        "ef".repeat(32),
        null);
  }
}
