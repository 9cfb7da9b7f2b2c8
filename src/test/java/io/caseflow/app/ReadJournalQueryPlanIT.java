package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The read journal's event query by tag, planned by PostgreSQL on a journal of 400,000 events with
 * the session options Caseflow gives the read journal: a page reads about the rows it returns, from
 * the journal's start, half-way and at its end, for a slice's dense tag and for the sagas' sparse
 * one (1-4 ms here). A plan that reads all of a tag's rows (a merge or hash join: 47 ms at the end)
 * or walks the journal for a sparse tag's few rows (40 ms, without the tag index) fails.
 */
class ReadJournalQueryPlanIT {

  private static final int EVENTS = 400_000;
  private static final int PAGE = 500;

  /** The SQL of pekko-persistence-jdbc 1.1.1's eventsByTag (ReadJournalQueries), as it sends it. */
  private static final String EVENTS_BY_TAG =
      "SELECT j.ordering, j.persistence_id, j.sequence_number, j.event_payload FROM event_journal j"
          + " INNER JOIN event_tag t ON j.ordering = t.event_id WHERE j.deleted = false"
          + " AND t.tag = ? AND j.ordering > ? AND j.ordering <= ? ORDER BY j.ordering LIMIT ?";

  @Test
  void aPageOfEventsByTagReadsAboutWhatItReturns() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    CaseflowSettings settings =
        CaseflowSettings.from(
            ConfigFactory.parseMap(database.settings())
                .withFallback(ConfigFactory.load())
                .resolve());
    String readJournalOptions;
    try (Storage storage = Storage.open(settings)) {
      readJournalOptions =
          storage
              .pekkoConfig()
              .getString(
                  "pekko-persistence-jdbc.shared-databases.read-journal.db.properties.options");
    }
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp,"
              + " event_ser_id, event_ser_manifest, event_payload) SELECT 'Case|c-' || (g % 40000),"
              + " g / 40000 + 1, 'w', 0, 1, 'm', convert_to(repeat('x', 300), 'UTF8')"
              + " FROM generate_series(1, "
              + EVENTS
              + ") g");
      statement.execute(
          "INSERT INTO event_tag (event_id, tag) SELECT ordering, 'case-slice-' || (ordering % 4)"
              + " FROM event_journal");
      statement.execute(
          "INSERT INTO event_tag (event_id, tag) SELECT ordering, 'saga' FROM event_journal"
              + " WHERE ordering % 1000 = 0");
      statement.execute("ANALYZE");
    }

    Properties readJournal = new Properties();
    readJournal.setProperty("user", database.user());
    readJournal.setProperty("password", database.password());
    readJournal.setProperty("options", readJournalOptions);
    try (Connection connection = DriverManager.getConnection(database.url(), readJournal)) {
      for (long offset : new long[] {0, EVENTS / 2, EVENTS - 2_000}) {
        assertReadsAboutAPage(connection, "case-slice-2", offset);
        assertReadsAboutAPage(connection, "saga", offset);
      }
    }
  }

  private static void assertReadsAboutAPage(Connection connection, String tag, long offset)
      throws Exception {
    JsonNode plan = plan(connection, tag, offset);
    long read = rowsOf(plan);
    assertTrue(
        read <= 10 * PAGE,
        () ->
            tag
                + " after "
                + offset
                + " read "
                + read
                + " rows for a page of "
                + PAGE
                + ": "
                + plan);
  }

  private static JsonNode plan(Connection connection, String tag, long offset)
      throws SQLException, java.io.IOException {
    try (PreparedStatement explain =
        connection.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + EVENTS_BY_TAG)) {
      explain.setString(1, tag);
      explain.setLong(2, offset);
      explain.setLong(3, EVENTS);
      explain.setLong(4, PAGE);
      try (ResultSet plan = explain.executeQuery()) {
        plan.next();
        return new ObjectMapper().readTree(plan.getString(1)).get(0).get("Plan");
      }
    }
  }

  /** Rows every node of the executed plan produced or filtered out, summed over its loops. */
  private static long rowsOf(JsonNode node) {
    long rows =
        node.path("Actual Rows").asLong() * Math.max(1, node.path("Actual Loops").asLong())
            + node.path("Rows Removed by Filter").asLong()
            + node.path("Rows Removed by Index Recheck").asLong();
    for (JsonNode child : node.path("Plans")) {
      rows += rowsOf(child);
    }
    return rows;
  }
}
