package io.caseflow.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Events written by the release before events recorded their hash encoding, in a node's journal on
 * PostgreSQL: they replay to the same cases, the read side projects them, the streams carry them,
 * their chains verify, and a case of them takes new events on the same chain.
 */
class EventEvolutionIT {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void eventsOfTheEarlierShapeReplayProjectStreamAndVerify() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      try (Connection owner = database.connect()) {
        journal(owner, JournalFixture.beforeHashVersions());
      }
      ApiClient api = new ApiClient(node.baseUrl());

      JsonNode replayed = api.get("/cases/old-1", "alice").json();
      assertEquals("approved", replayed.get("state").asText(), replayed::toString);
      assertEquals(5, replayed.get("version").asInt());
      assertEquals("bob", replayed.get("assignee").asText());
      assertEquals("Jane Doe", api.get("/cases/old-2", "frank").json().get("subject").asText());

      JsonNode verified = api.get("/cases/old-1/history/verify", "alice").json();
      assertTrue(verified.get("valid").asBoolean(), verified::toString);
      assertEquals(5, verified.get("events").asInt());

      JsonNode listed =
          Eventually.until(
              "the read side's row of the old case",
              PATIENCE,
              () -> api.get("/cases?subject=ACME-LTD-0042", "alice").json().get("items"),
              items -> items.size() == 1 && items.get(0).get("version").asInt() == 5);
      assertEquals("approved", listed.get(0).get("state").asText());

      try (SseStream stream =
          SseStream.open(node.baseUrl(), "/cases/old-1/events", "alice", Optional.empty())) {
        List<SseStream.Event> events = stream.await(5, PATIENCE);
        assertEquals(
            List.of("1", "2", "3", "4", "5"), events.stream().map(SseStream.Event::id).toList());
        assertEquals("All checks passed", events.get(4).data().get("comment").asText());
      }
      try (SseStream feed =
          SseStream.open(node.baseUrl(), "/events", "alice", Optional.of("0.0.0.0"))) {
        // The feed merges slices, so old-2's events may come before or after old-1's.
        List<SseStream.Event> events =
            feed.awaitUntil(
                seen -> eventsOf("old-1", seen) == 5 && eventsOf("old-2", seen) > 0, PATIENCE);
        assertEquals(5, eventsOf("old-1", events), events::toString);
        assertTrue(eventsOf("old-2", events) > 0, events::toString);
      }

      assertEquals(
          201, api.post("/cases/old-1/comments", "bob", "{\"text\":\"reviewed again\"}").status());
      JsonNode extended = api.get("/cases/old-1/history/verify", "alice").json();
      assertTrue(extended.get("valid").asBoolean(), extended::toString);
      assertEquals(6, extended.get("events").asInt(), "a version 2 event chained onto version 1");
    }
  }

  private static long eventsOf(String caseId, List<SseStream.Event> events) {
    return events.stream().filter(event -> event.caseId().equals(caseId)).count();
  }

  /** Writes the rows as the release before wrote them, tag rows and all. */
  private static void journal(Connection connection, List<JournalFixture> rows) throws Exception {
    for (JournalFixture row : rows) {
      long ordering;
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO event_journal (persistence_id, sequence_number, writer,"
                  + " write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest,"
                  + " event_payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ordering")) {
        insert.setString(1, row.persistenceId());
        insert.setLong(2, row.sequenceNumber());
        insert.setString(3, row.writer());
        insert.setLong(4, row.writeTimestamp());
        insert.setString(5, row.adapterManifest());
        insert.setInt(6, row.serializerId());
        insert.setString(7, row.manifest());
        insert.setBytes(8, row.payloadBytes());
        try (ResultSet generated = insert.executeQuery()) {
          generated.next();
          ordering = generated.getLong(1);
        }
      }
      try (PreparedStatement tag =
          connection.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)")) {
        tag.setLong(1, ordering);
        tag.setString(2, row.tag());
        tag.executeUpdate();
      }
    }
  }
}
