package io.caseflow.refusals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The refusal log on a real node: a flood is counted and only partly kept while accepted commands
 * go on, rows past their retention are removed by the clean-up, and the database refuses every
 * other change.
 */
class RefusalLogIT {

  private static final int FLOOD = 10_000;
  private static final int QUEUE_SIZE = 500;
  private static final int BATCH_SIZE = 100;

  @Test
  void aFloodOfRefusalsIsCountedInBoundedMemoryAndNeverHoldsUpCommands() throws Exception {
    try (RunningCaseflow node =
        RunningCaseflow.onPostgres(
            TestPostgres.newDatabase(),
            Map.of(
                "caseflow.refusals.queue-size", QUEUE_SIZE,
                "caseflow.refusals.batch-size", BATCH_SIZE))) {
      ApiClient api = new ApiClient(node.baseUrl());
      ExecutorService clients = Executors.newFixedThreadPool(8);
      try (Connection blocker = node.connect()) {
        // The writer cannot insert while this transaction holds the table: the worst case, a
        // database that takes no refusals at all while the flood lasts.
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
          statement.execute("LOCK TABLE refusals IN SHARE MODE");
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<Integer>> flooders = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
          flooders.add(
              clients.submit(
                  () -> {
                    int notFound = 0;
                    for (int i = next.getAndIncrement(); i < FLOOD; i = next.getAndIncrement()) {
                      // An id that cannot exist, different each time: nothing folds together.
                      if (api.get("/cases/guess!" + i, "alice").status() == 404) {
                        notFound++;
                      }
                    }
                    return notFound;
                  }));
        }
        List<Response> accepted = new ArrayList<>();
        for (int i = 0; !flooders.stream().allMatch(Future::isDone) || i < 10; i++) {
          accepted.add(api.openCase("alice", "accepted-" + i, "S-" + i));
        }
        int notFound = 0;
        for (Future<Integer> flooder : flooders) {
          notFound += flooder.get();
        }
        assertEquals(FLOOD, notFound);
        assertTrue(accepted.size() >= 10);
        for (Response response : accepted) {
          assertEquals(201, response.status(), "accepted during the flood: " + response);
        }
        blocker.rollback();
      } finally {
        clients.shutdownNow();
      }

      long kept = awaitStable(node);
      long notRecorded = api.get("/health/ready", null).json().get("refusalsNotRecorded").asLong();
      assertEquals(FLOOD, kept + notRecorded, "every refusal is kept or counted");
      assertTrue(
          kept <= QUEUE_SIZE + BATCH_SIZE,
          () -> kept + " kept: no more than the queue and one batch wait in memory");
      assertTrue(notRecorded > 0, "the rest was counted");

      Response afterwards = api.get("/cases/guess!after", "alice");
      assertEquals(404, afterwards.status());
      assertEquals(kept + 1, awaitStable(node), "the log takes refusals again");
    }
  }

  @Test
  void refusalsPastTheirRetentionAreRemovedAndNoOtherChangeIsAllowed() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node =
        RunningCaseflow.onPostgres(
            database,
            Map.of(
                "caseflow.refusals.retention", "30d",
                "caseflow.refusals.cleanup-interval", "200ms"))) {
      try (Connection connection = node.connect()) {
        insert(connection, "expired", Instant.now().minus(Duration.ofDays(31)));
        insert(connection, "kept", Instant.now().minus(Duration.ofDays(29)));
        insert(connection, "young", Instant.now());
        awaitGone(connection, "expired");
        assertEquals(List.of("kept", "young"), actions(connection));

        try (Statement statement = connection.createStatement()) {
          assertRefused(statement, "UPDATE refusals SET actor = 'mallory'");
          assertRefused(statement, "DELETE FROM refusals WHERE action = 'young'");
          assertRefused(statement, "DELETE FROM refusals");
          assertRefused(statement, "TRUNCATE refusals");
        }
        assertEquals(List.of("kept", "young"), actions(connection));
      }
    }
  }

  @Test
  void embeddedH2RefusesUpdatesAndEarlyDeletes() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onH2();
        Connection connection = node.connect();
        Statement statement = connection.createStatement()) {
      insert(connection, "old", Instant.now().minus(Duration.ofDays(2)));
      insert(connection, "young", Instant.now());
      assertRefused(statement, "UPDATE refusals SET actor = 'mallory'");
      assertRefused(statement, "DELETE FROM refusals WHERE action = 'young'");
      assertEquals(1, statement.executeUpdate("DELETE FROM refusals WHERE action = 'old'"));
      assertEquals(List.of("young"), actions(connection));
    }
  }

  /** The sum of the kept refusals' repeats, once the writer has stopped adding to it. */
  private static long awaitStable(RunningCaseflow node) throws Exception {
    long previous = -1;
    Instant deadline = Instant.now().plusSeconds(30);
    try (Connection connection = node.connect()) {
      while (Instant.now().isBefore(deadline)) {
        long now = keptRepeats(connection);
        if (now == previous && now > 0) {
          return now;
        }
        previous = now;
        Thread.sleep(500);
      }
    }
    throw new AssertionError("the refusal log kept changing: " + previous);
  }

  private static long keptRepeats(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT COALESCE(SUM(repeats), 0) FROM refusals WHERE actor = 'alice'"
                    + " AND code = 'case_not_found'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void insert(Connection connection, String action, Instant at) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO refusals (at, tenant, actor, actor_verified, source_address, method,"
                + " route, case_id, action, code, repeats)"
                + " VALUES (?, 'acme', 'alice', TRUE, '127.0.0.1', 'POST',"
                + " '/cases/{caseId}/actions/{action}', 'c', ?, 'forbidden', 1)")) {
      insert.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
      insert.setString(2, action);
      insert.executeUpdate();
    }
  }

  private static List<String> actions(Connection connection) throws SQLException {
    List<String> actions = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT action FROM refusals ORDER BY id")) {
      while (rows.next()) {
        actions.add(rows.getString(1));
      }
    }
    return actions;
  }

  private static void awaitGone(Connection connection, String action) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (actions(connection).contains(action)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(action + " was not removed: " + actions(connection));
      }
      Thread.sleep(100);
    }
  }

  private static void assertRefused(Statement statement, String sql) {
    SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
    assertTrue(refused.getMessage().contains("append-only"), refused::getMessage);
  }
}
