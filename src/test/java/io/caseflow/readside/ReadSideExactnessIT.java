package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Under concurrent load on PostgreSQL, the read side ends holding exactly what the write side did:
 * one transition row per accepted action, one audit row per journal event, counters that add up, a
 * cases row per case matching the case itself.
 */
class ReadSideExactnessIT {

  @Test
  void sixtyFourCasesTimesTwentyFiveActionsEndExact() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      ApiClient api = new ApiClient(node.baseUrl());

      CaseWorkload.Result load = new CaseWorkload(api).run(64, 25, 16);

      assertEquals(0, load.failures());
      assertEquals(64 * 25, load.actionsAcknowledged());
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(load.caseIds(), Duration.ofSeconds(60));
      assertEquals(load.actionsAcknowledged(), count(database, "case_transitions"));
      assertEquals(count(database, CASE_EVENTS), count(database, "audit_log"));
    }
  }

  /** The journal's case events (it also holds the sagas' and subject claims' events). */
  static final String CASE_EVENTS = "event_journal WHERE persistence_id LIKE 'Case|%'";

  /** Rows of {@code table}, which may carry a WHERE clause. */
  static long count(TestPostgres.Database database, String table) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
