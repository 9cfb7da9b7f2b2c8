package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A node starts on a schema a later release has migrated further, as a node of the previous release
 * does during a rolling upgrade (and every node after a rollback): the migrations it does not know
 * are a later release's, which only expand the schema, so it accepts them and serves.
 */
class LaterSchemaIT {

  @Test
  void aNodeStartsOnASchemaMigratedByALaterRelease() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      assertEquals(
          201,
          new ApiClient(node.baseUrl())
              .post(
                  "/cases",
                  "alice",
                  "{\"id\":\"later-1\",\"workflow\":\"due-diligence\",\"subject\":\"Later Ltd\"}")
              .status());
    }
    try (Connection owner = database.connect();
        Statement statement = owner.createStatement()) {
      statement.execute("CREATE TABLE a_later_release (id TEXT PRIMARY KEY)");
      statement.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " checksum, installed_by, execution_time, success)"
              + " SELECT MAX(installed_rank) + 1, '999', 'a later release', 'SQL',"
              + " 'V999__a_later_release.sql', 0, current_user, 1, TRUE FROM flyway_schema_history");
    }
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      ApiClient api = new ApiClient(node.baseUrl());
      assertEquals(200, api.get("/cases/later-1", "alice").status());
      assertEquals(
          200,
          api.post("/cases/later-1/actions/submit", "alice", "{\"data\":{\"riskLevel\":\"low\"}}")
              .status());
    }
  }
}
