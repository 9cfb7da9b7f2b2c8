package io.caseflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseTags;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * The batched journal DAO on both databases: on a node's own journal (every case event of a
 * concurrent workload has its tag, on the row the journal ordered it by) and called directly with
 * batches the workload would not produce (thousands of events across statements, several tags, a
 * batch with one bad event).
 */
class BatchedJournalDaoIT {

  private static final String TAG = "dao-test";
  private static final String OTHER_TAG = "dao-test-other";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void onH2() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onH2()) {
      checkJournal(node);
    }
  }

  @Test
  void onPostgres() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onPostgres(TestPostgres.newDatabase())) {
      checkJournal(node);
    }
  }

  private static void checkJournal(RunningCaseflow node) throws Exception {
    everyCaseEventOfAConcurrentWorkloadCarriesItsSliceTag(node);
    theJournalRanOnTheSharedDispatcher();
    BatchedJournalDao dao = daoOf(node.system());
    aBatchSpanningManyEntitiesAndStatementsIsWrittenWithItsTags(node, dao);
    aBatchWithOneBadEventWritesNothing(node, dao);
  }

  private static void everyCaseEventOfAConcurrentWorkloadCarriesItsSliceTag(RunningCaseflow node)
      throws Exception {
    CaseWorkload.Result workload = new CaseWorkload(new ApiClient(node.baseUrl())).run(40, 6, 8);
    assertEquals(0, workload.failures());
    CaseTags tags = new CaseTags(4);
    try (Connection connection = node.connect()) {
      Map<String, List<String>> tagsByEvent =
          tagsByEvent(connection, "\"persistence_id\" LIKE 'Case|%'");
      long caseEvents =
          count(
              connection,
              "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE 'Case|%'");
      assertTrue(caseEvents >= 40 * 7, "opened and moved: " + caseEvents);
      assertEquals(caseEvents, tagsByEvent.size(), "every case event has a tag row");
      tagsByEvent.forEach(
          (event, eventTags) -> {
            CaseId caseId =
                CaseId.fromEntityId(event.substring("Case|".length(), event.lastIndexOf('#')));
            assertEquals(List.of(CaseTags.tag(tags.sliceOf(caseId))), eventTags, event);
          });
    }
  }

  /**
   * Pekko falls back to a pinned thread per plugin when {@code plugin-dispatcher} is not where it
   * reads it; the plugin's own reference.conf has it one level too deep.
   */
  private static void theJournalRanOnTheSharedDispatcher() {
    List<String> pinned =
        Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName)
            .filter(name -> name.contains("default-plugin-dispatcher"))
            .toList();
    assertEquals(List.of(), pinned, "threads of Pekko's fallback plugin dispatcher");
  }

  private static void aBatchSpanningManyEntitiesAndStatementsIsWrittenWithItsTags(
      RunningCaseflow node, BatchedJournalDao dao) throws Exception {
    int entities = 250;
    int eventsEach = 10;
    List<Tuple2<JournalPekkoSerializationRow, scala.collection.immutable.Set<String>>> batch =
        new ArrayList<>();
    for (int seq = eventsEach; seq >= 1; seq--) {
      for (int entity = 0; entity < entities; entity++) {
        Set<String> tags = entity % 5 == 0 ? Set.of(TAG, OTHER_TAG) : Set.of(TAG);
        batch.add(row("Test|many-" + entity, seq, tags));
      }
    }
    assertTrue(batch.size() > 2 * BatchedJournalDao.ROWS_PER_STATEMENT, "spans statements");
    write(dao, batch);

    try (Connection connection = node.connect()) {
      Map<String, List<String>> tagsByEvent =
          tagsByEvent(connection, "\"persistence_id\" LIKE 'Test|many-%'");
      assertEquals(entities * eventsEach, tagsByEvent.size(), "every event with its tags");
      tagsByEvent.forEach(
          (event, eventTags) -> {
            int entity =
                Integer.parseInt(event.substring("Test|many-".length(), event.indexOf('#')));
            assertEquals(
                entity % 5 == 0 ? List.of(TAG, OTHER_TAG) : List.of(TAG), eventTags, event);
          });
      assertEquals(
          0,
          count(
              connection,
              "SELECT COUNT(*) FROM \"event_journal\" a JOIN \"event_journal\" b"
                  + " ON a.\"persistence_id\" = b.\"persistence_id\""
                  + " AND a.\"sequence_number\" < b.\"sequence_number\""
                  + " AND a.\"ordering\" > b.\"ordering\""
                  + " WHERE a.\"persistence_id\" LIKE 'Test|many-%'"),
          "an entity's events are ordered as their sequence numbers");
      assertEquals(
          (long) entities * eventsEach,
          count(
              connection,
              "SELECT COUNT(*) FROM \"event_journal\" j JOIN \"event_tag\" t"
                  + " ON t.\"event_id\" = j.\"ordering\" WHERE t.\"tag\" = '"
                  + TAG
                  + "'"),
          "the read journal's join by ordering finds each event under its tag");
    }
  }

  private static void aBatchWithOneBadEventWritesNothing(
      RunningCaseflow node, BatchedJournalDao dao) throws Exception {
    List<Tuple2<JournalPekkoSerializationRow, scala.collection.immutable.Set<String>>> batch =
        new ArrayList<>();
    for (int entity = 0; entity < 30; entity++) {
      batch.add(row("Test|doomed-" + entity, 1, Set.of(TAG)));
    }
    batch.add(row("Test|many-7", 3, Set.of(TAG)));
    ExecutionException failure = assertThrows(ExecutionException.class, () -> write(dao, batch));
    assertTrue(failure.getCause().getMessage() != null, failure::toString);

    try (Connection connection = node.connect()) {
      assertEquals(
          0,
          count(
              connection,
              "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE 'Test|doomed-%'"),
          "no event of the failed batch");
      assertEquals(
          (long) 250 * 10 + 50 * 10,
          count(
              connection,
              "SELECT COUNT(*) FROM \"event_tag\" WHERE \"tag\" IN ('"
                  + TAG
                  + "', '"
                  + OTHER_TAG
                  + "')"),
          "no tag of the failed batch");
    }
  }

  /** A DAO of the node's own journal database, as the plugin builds it. */
  private static BatchedJournalDao daoOf(ActorSystem<Void> system) {
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    com.typesafe.config.Config journal = classic.settings().config().getConfig("jdbc-journal");
    SlickDatabase database = ((SlickExtensionImpl) SlickExtension.get(classic)).database(journal);
    return new BatchedJournalDao(
        database.database(),
        database.profile(),
        new JournalConfig(journal),
        SerializationExtension.get(classic),
        system.executionContext(),
        Materializer.matFromSystem(system));
  }

  private static Tuple2<JournalPekkoSerializationRow, scala.collection.immutable.Set<String>> row(
      String persistenceId, long seq, Set<String> tags) {
    return Tuple2.apply(
        new JournalPekkoSerializationRow(
            Long.MIN_VALUE,
            false,
            persistenceId,
            seq,
            "dao-test-writer",
            System.currentTimeMillis(),
            "",
            ("event " + seq).getBytes(java.nio.charset.StandardCharsets.UTF_8),
            4,
            "",
            Option.empty(),
            Option.empty(),
            Option.empty()),
        CollectionConverters.asScala(tags).toSet());
  }

  private static void write(
      BatchedJournalDao dao,
      List<Tuple2<JournalPekkoSerializationRow, scala.collection.immutable.Set<String>>> batch)
      throws Exception {
    FutureConverters.asJava(dao.writeJournalRows(CollectionConverters.asScala(batch).toList()))
        .toCompletableFuture()
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  /** Each event ({@code persistence_id#seq}) with its tags in name order. */
  private static Map<String, List<String>> tagsByEvent(Connection connection, String where)
      throws SQLException {
    Map<String, List<String>> tags = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT j.\"persistence_id\", j.\"sequence_number\", t.\"tag\""
                    + " FROM \"event_journal\" j LEFT JOIN \"event_tag\" t"
                    + " ON t.\"event_id\" = j.\"ordering\" WHERE j."
                    + where
                    + " ORDER BY j.\"ordering\", t.\"tag\"")) {
      while (rows.next()) {
        List<String> eventTags =
            tags.computeIfAbsent(rows.getString(1) + "#" + rows.getLong(2), e -> new ArrayList<>());
        if (rows.getString(3) != null) {
          eventTags.add(rows.getString(3));
        }
      }
    }
    return tags;
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
