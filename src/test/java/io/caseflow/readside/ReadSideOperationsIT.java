package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What operators do with the read side: rebuild it, and find the events it could not apply. */
class ReadSideOperationsIT {

  @Test
  void rebuildWhileServingEndsIdenticalToIncrementalBuild() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      ApiClient api = new ApiClient(node.baseUrl());
      CaseWorkload.Result load = new CaseWorkload(api).run(24, 9, 6);
      ReadSideExpectation expectation = new ReadSideExpectation(api, database, "alice", "acme");
      expectation.awaitExact(load.caseIds(), Duration.ofSeconds(60));
      List<String> before = tableContents(database);

      assertEquals(403, api.post("/admin/read-side/rebuild", "carol", null).status());
      Response started = api.post("/admin/read-side/rebuild", "oscar", null);
      assertEquals(202, started.status(), started::toString);
      Response during =
          api.post(
              "/cases",
              "dave",
              "{\"id\":\"during-rebuild\",\"workflow\":\"due-diligence\",\"subject\":\"S\"}");
      assertEquals(201, during.status(), "commands keep working during a rebuild");

      awaitRebuildComplete(api);
      expectation.awaitExact(load.caseIds(), Duration.ofSeconds(60));
      new ReadSideExpectation(api, database, "dave", "globex")
          .awaitExact(List.of("during-rebuild"), Duration.ofSeconds(60));
      assertSameRows(before, tableContents(database));
    }
  }

  /**
   * A consistency token is satisfied only once the rows that lists and statistics read hold the
   * event. During a rebuild the case rows are emptied while {@code audit_log} keeps every event, so
   * an answer taken from the audit log would serve a list without the case.
   */
  @Test
  void consistencyTokenWaitsForTheRebuiltCaseRow() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      ApiClient api = new ApiClient(node.baseUrl());
      Response opened = api.openCase("alice", "ryw-1", "RYW-1");
      String token = opened.header("Caseflow-Consistency").orElseThrow();
      String list = "/cases?subject=RYW-1&consistentWith=" + token;
      assertEquals(1, api.get(list, "alice").json().get("items").size());

      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE FUNCTION hold_case_row() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.id = 'ryw-1' THEN PERFORM pg_sleep(8); END IF;"
                + " RETURN NEW; END; $$ LANGUAGE plpgsql");
        statement.execute(
            "CREATE TRIGGER hold_case_row BEFORE INSERT ON cases"
                + " FOR EACH ROW EXECUTE FUNCTION hold_case_row()");
      }
      assertEquals(202, api.post("/admin/read-side/rebuild", "oscar", null).status());
      awaitPhase(api, "replaying");

      Response during = api.get(list, "alice");
      assertEquals(503, during.status(), during::toString);
      assertEquals("unavailable", during.code());

      awaitRebuildComplete(api);
      assertEquals(1, api.get(list, "alice").json().get("items").size());
    }
  }

  @Test
  void poisonEventIsDeadLetteredAndSkippedWhenConfigured() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node =
        RunningCaseflow.onPostgres(
            database,
            Map.of(
                "caseflow.read-side.poison-attempts",
                2,
                "caseflow.read-side.skip-poison-events",
                true))) {
      ApiClient api = new ApiClient(node.baseUrl());
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.case_id = 'poison-1' THEN RAISE EXCEPTION 'poisoned transition'; END IF;"
                + " RETURN NEW; END; $$ LANGUAGE plpgsql");
        statement.execute(
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON case_transitions"
                + " FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
      }
      api.post(
          "/cases",
          "dave",
          "{\"id\":\"poison-1\",\"workflow\":\"due-diligence\",\"subject\":\"S\",\"data\":{\"riskLevel\":\"low\"}}");
      assertEquals(200, api.post("/cases/poison-1/actions/submit", "dave", null).status());
      CaseWorkload.Result others = new CaseWorkload(api).run(8, 5, 4);

      JsonNode letter = awaitDeadLetter(api);
      assertEquals("Case|globex:poison-1", letter.get("persistenceId").asText());
      assertEquals(2, letter.get("seq").asInt());
      assertTrue(letter.get("error").asText().contains("poisoned transition"), letter::toString);
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(others.caseIds(), Duration.ofSeconds(60));
      JsonNode poisoned = api.get("/cases?subject=S", "dave").json().get("items").get(0);
      assertEquals("draft", poisoned.get("state").asText(), "the skipped event is not applied");
    }
  }

  private static JsonNode awaitDeadLetter(ApiClient api) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      JsonNode letters = api.get("/admin/read-side", "oscar").json().get("deadLetters");
      for (JsonNode letter : letters) {
        if (letter.get("skipped").asBoolean()) {
          return letter;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no skipped dead letter within 60 s");
  }

  private static void awaitRebuildComplete(ApiClient api) throws InterruptedException {
    awaitPhase(api, "complete");
  }

  private static void awaitPhase(ApiClient api, String wanted) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    String phase = "";
    while (Instant.now().isBefore(deadline)) {
      phase = api.get("/admin/read-side", "oscar").json().get("rebuild").get("phase").asText();
      if (phase.equals(wanted)) {
        return;
      }
      assertFalse(phase.equals("failed"), "the rebuild failed");
      Thread.sleep(100);
    }
    throw new AssertionError("rebuild not " + wanted + " within 60 s, phase " + phase);
  }

  private static void assertSameRows(List<String> expected, List<String> actual) {
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(actual);
    List<String> extra = new ArrayList<>(actual);
    extra.removeAll(expected);
    assertTrue(
        missing.isEmpty() && extra.isEmpty() && expected.size() == actual.size(),
        "rebuilt tables differ; missing "
            + missing.subList(0, Math.min(5, missing.size()))
            + ", extra "
            + extra.subList(0, Math.min(5, extra.size())));
  }

  /** Every acme row of the derived tables and the audit log, as sorted text. */
  private static List<String> tableContents(TestPostgres.Database database) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      dump(statement, rows, "SELECT * FROM cases WHERE tenant = 'acme' ORDER BY id");
      dump(
          statement,
          rows,
          "SELECT * FROM case_transitions WHERE tenant = 'acme' ORDER BY case_id, seq");
      dump(statement, rows, "SELECT * FROM audit_log WHERE tenant = 'acme' ORDER BY case_id, seq");
      dump(
          statement,
          rows,
          "SELECT workflow, state, SUM(cases) FROM state_counts WHERE tenant = 'acme'"
              + " GROUP BY workflow, state HAVING SUM(cases) <> 0 ORDER BY workflow, state");
    }
    return rows;
  }

  private static void dump(Statement statement, List<String> rows, String sql) throws Exception {
    try (ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder row = new StringBuilder(sql.substring(0, 30)).append(':');
        for (int i = 1; i <= columns; i++) {
          row.append(' ').append(result.getString(i));
        }
        rows.add(row.toString());
      }
    }
  }
}
