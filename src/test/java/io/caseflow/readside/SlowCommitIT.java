package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One event's commit is held for 15 seconds (a trigger with {@code pg_sleep}) while other events
 * flow past it. JDBC {@code eventsByTag} reads the hole in the journal's ordering as a gap and
 * waits for it only so long; either way the read side must end complete and exact.
 */
class SlowCommitIT {

  private static final String SLOW_CASE = "slow-1";

  /** The configured gap wait (20 s) outlasts the slow commit: the live projection picks it up. */
  @Test
  void liveProjectionWaitsOutASlowCommit() throws Exception {
    JsonNode report = runWithSlowCommit(Map.of());
    assertTrue(
        report.isNull() || report.get("casesRepaired").asInt() == 0,
        "nothing should have needed repair: " + report);
  }

  /** With a gap wait shorter than the commit, the live projection skips the event for good. */
  @Test
  void reconciliationRepairsWhatTheLiveProjectionSkipped() throws Exception {
    JsonNode report =
        runWithSlowCommit(
            Map.of(
                "jdbc-read-journal.journal-sequence-retrieval.max-tries", 5,
                "caseflow.read-side.reconcile-interval", "2s",
                "caseflow.read-side.reconcile-grace", "3s"));
    assertTrue(report.get("casesRepaired").asInt() >= 1, report::toString);
    assertTrue(report.get("repaired").toString().contains("acme:" + SLOW_CASE), report::toString);
  }

  private JsonNode runWithSlowCommit(Map<String, Object> settings) throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    Map<String, Object> overrides = new HashMap<>(settings);
    // The held request must not time out meanwhile: it is acknowledged once the commit lands.
    overrides.put("caseflow.http.ask-timeout", "40s");
    overrides.put("jdbc-journal.circuit-breaker.call-timeout", "60s");
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, overrides)) {
      ApiClient api = new ApiClient(node.baseUrl());
      holdCommitOf(database, "Case|acme:" + SLOW_CASE, 2, 15);
      assertEquals(
          201,
          api.post(
                  "/cases",
                  "alice",
                  "{\"id\":\""
                      + SLOW_CASE
                      + "\",\"workflow\":\"due-diligence\",\"subject\":\"S\",\"data\":{\"riskLevel\":\"low\"}}")
              .status());

      CompletableFuture<Integer> slow =
          CompletableFuture.supplyAsync(
              () -> api.post("/cases/" + SLOW_CASE + "/actions/submit", "alice", null).status());
      Thread.sleep(500);
      CaseWorkload.Result flowing = new CaseWorkload(api).run(20, 10, 4);
      assertEquals(0, flowing.failures());
      assertEquals(200, slow.get(), "the held submit is acknowledged once it commits");

      List<String> cases = new ArrayList<>(flowing.caseIds());
      cases.add(SLOW_CASE);
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(cases, Duration.ofSeconds(60));
      return api.get("/admin/read-side", "oscar").json().get("reconciliation");
    }
  }

  private static void holdCommitOf(
      TestPostgres.Database database, String persistenceId, long seq, int seconds)
      throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE FUNCTION hold_commit() RETURNS trigger AS $$ BEGIN"
              + " IF NEW.persistence_id = '"
              + persistenceId
              + "' AND NEW.sequence_number = "
              + seq
              + " THEN PERFORM pg_sleep("
              + seconds
              + "); END IF;"
              + " RETURN NEW; END; $$ LANGUAGE plpgsql");
      statement.execute(
          "CREATE TRIGGER hold_commit BEFORE INSERT ON event_journal"
              + " FOR EACH ROW EXECUTE FUNCTION hold_commit()");
    }
  }
}
