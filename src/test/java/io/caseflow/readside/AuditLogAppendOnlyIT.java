package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The database itself refuses to rewrite history: audit_log takes inserts only. */
class AuditLogAppendOnlyIT {

  @Test
  void postgresRefusesUpdateDeleteAndTruncate() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      ApiClient api = new ApiClient(node.baseUrl());
      api.post(
          "/cases",
          "alice",
          "{\"id\":\"audited\",\"workflow\":\"due-diligence\",\"subject\":\"S\"}");
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(List.of("audited"), Duration.ofSeconds(30));

      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        assertRefused(statement, "UPDATE audit_log SET actor = 'mallory'");
        assertRefused(statement, "DELETE FROM audit_log");
        assertRefused(statement, "TRUNCATE audit_log");
        assertEquals(1, ReadSideExactnessIT.count(database, "audit_log"));
        statement.execute(
            "INSERT INTO audit_log (tenant, case_id, seq, type, actor, at, payload, hash, prev_hash)"
                + " VALUES ('acme', 'other', 1, 'case_opened', 'x', now(), '{}', repeat('a', 64), repeat('0', 64))");
      }
    }
  }

  @Test
  void embeddedH2RefusesUpdateAndDelete() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onH2()) {
      ApiClient api = new ApiClient(node.baseUrl());
      String token =
          api.post(
                  "/cases",
                  "alice",
                  "{\"id\":\"audited\",\"workflow\":\"due-diligence\",\"subject\":\"S\"}")
              .header("Caseflow-Consistency")
              .orElseThrow();
      assertEquals(200, api.get("/cases?consistentWith=" + token, "alice").status());

      try (Connection connection = DriverManager.getConnection(node.h2Url(), "sa", "");
          Statement statement = connection.createStatement()) {
        assertRefused(statement, "UPDATE audit_log SET actor = 'mallory'");
        assertRefused(statement, "DELETE FROM audit_log");
      }
    }
  }

  private static void assertRefused(Statement statement, String sql) {
    SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
    assertTrue(refused.getMessage().contains("append-only"), refused::getMessage);
  }
}
