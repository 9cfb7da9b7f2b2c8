package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service runs as a role that can add to history and never rewrite it: the migrations, run by
 * the schema's owner, grant it no more. The database itself says no, whatever the service's code
 * would try.
 */
class DatabaseRolesIT {

  private static final String CASE_EVENTS =
      "SELECT count(*) FROM event_journal WHERE persistence_id LIKE 'Case|%'";

  private static final List<String> HISTORY =
      List.of("event_journal", "event_tag", "audit_log", "refusals", "workflow_versions");

  @Test
  void theServiceRoleCanNeitherRewriteHistoryNorDropItsGuards() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      ApiClient api = new ApiClient(node.baseUrl());
      api.post(
          "/cases", "alice", "{\"id\":\"held\",\"workflow\":\"due-diligence\",\"subject\":\"S\"}");
      api.post("/cases/held/actions/approve", "alice", ""); // refused: a row in refusals too
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(List.of("held"), Duration.ofSeconds(30));

      try (Connection service = database.connectAsService();
          Statement statement = service.createStatement()) {
        for (String table : HISTORY) {
          assertNotPermitted(statement, aRewriteOf(table, ""));
          assertNotPermitted(statement, "DELETE FROM " + table);
          assertNotPermitted(statement, "TRUNCATE " + table);
          assertNotPermitted(statement, "ALTER TABLE " + table + " DISABLE TRIGGER ALL");
        }
        assertNotPermitted(statement, "DROP TRIGGER audit_log_no_update_or_delete ON audit_log");
        assertNotPermitted(statement, "DROP TRIGGER event_journal_no_truncate ON event_journal");
        assertNotPermitted(statement, "DROP FUNCTION history_append_only() CASCADE");
        assertNotPermitted(statement, "DROP TABLE event_journal");
        assertNotPermitted(statement, "CREATE TABLE mine (id INTEGER)");
      }
      assertEquals(1, count(database, CASE_EVENTS));
      assertEquals(1, count(database, "SELECT count(*) FROM audit_log"));
      assertEquals(
          3,
          count(database, "SELECT count(*) FROM workflow_versions WHERE source <> 'mallory'"),
          "the packaged workflow versions, as first deployed");
      assertEquals(
          200,
          api.post("/cases/held/actions/submit", "alice", "{\"data\":{\"riskLevel\":\"low\"}}")
              .status());
    }
  }

  @Test
  void theJournalIsAppendOnlyForItsOwnerToo() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      new ApiClient(node.baseUrl())
          .post(
              "/cases",
              "alice",
              "{\"id\":\"kept\",\"workflow\":\"due-diligence\",\"subject\":\"S\"}");
      try (Connection owner = database.connect();
          Statement statement = owner.createStatement()) {
        for (String table : List.of("event_journal", "event_tag")) {
          assertAppendOnly(statement, aRewriteOf(table, ""));
          assertAppendOnly(statement, "DELETE FROM " + table);
          assertAppendOnly(statement, "TRUNCATE " + table + " CASCADE");
        }
      }
      assertEquals(1, count(database, CASE_EVENTS));
    }
  }

  /**
   * The retention clean-up still works without DELETE on the log (through the owner's function),
   * and the function cannot be made to remove a refusal younger than a day.
   */
  @Test
  void refusalsExpireThroughTheOwnersFunctionOnly() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database)) {
      try (Connection owner = database.connect();
          Statement statement = owner.createStatement()) {
        statement.execute(
            "INSERT INTO refusals (at, tenant, actor, actor_verified, source_address, method,"
                + " route, code, repeats) VALUES (now() - INTERVAL '3 days', 'acme', 'x', true,"
                + " '127.0.0.1', 'GET', '/cases', 'forbidden', 1), (now() - INTERVAL '1 hour',"
                + " 'acme', 'y', true, '127.0.0.1', 'GET', '/cases', 'forbidden', 1)");
      }
      try (Connection service = database.connectAsService();
          Statement statement = service.createStatement()) {
        assertEquals(1, count(service, "SELECT expire_refusals(now() - INTERVAL '2 days', 100)"));
        SQLException young =
            assertThrows(
                SQLException.class,
                () -> statement.execute("SELECT expire_refusals(now() + INTERVAL '1 day', 100)"));
        assertTrue(young.getMessage().contains("append-only"), young::getMessage);
      }
      assertEquals(1, count(database, "SELECT count(*) FROM refusals"));
    }
  }

  /**
   * Without an owner of its own, the service's user owns history: start-up names what it can do.
   */
  @Test
  void aServiceUserThatOwnsTheSchemaIsReported() {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (Storage storage = Storage.open(settingsOf(database.settings()))) {
      assertEquals(List.of(), storage.excessPrivileges());
    }
    Map<String, Object> ownerServes = new HashMap<>(database.settings());
    ownerServes.put("caseflow.db.user", database.owner());
    ownerServes.put("caseflow.db.password", database.ownerPassword());
    ownerServes.put("caseflow.db.migration-user", "");
    try (Storage storage = Storage.open(settingsOf(ownerServes))) {
      List<String> excess = storage.excessPrivileges();
      assertTrue(excess.contains("event_journal: OWNER"), excess::toString);
      assertTrue(excess.contains("audit_log: DELETE"), excess::toString);
    }
  }

  @Test
  void theEmbeddedJournalRefusesUpdateAndDelete() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onH2()) {
      new ApiClient(node.baseUrl())
          .post(
              "/cases",
              "alice",
              "{\"id\":\"kept\",\"workflow\":\"due-diligence\",\"subject\":\"S\"}");
      try (Connection connection = DriverManager.getConnection(node.h2Url(), "sa", "");
          Statement statement = connection.createStatement()) {
        for (String table : List.of("event_journal", "event_tag")) {
          assertAppendOnly(statement, aRewriteOf(table, "\""));
          assertAppendOnly(statement, "DELETE FROM \"" + table + "\"");
        }
        assertAppendOnly(statement, aRewriteOf("workflow_versions", ""));
        assertAppendOnly(statement, "DELETE FROM workflow_versions");
      }
    }
  }

  private static CaseflowSettings settingsOf(Map<String, Object> settings) {
    return CaseflowSettings.from(
        ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()).resolve());
  }

  /**
   * An assignment that would rewrite a row of {@code table} (a valid value: only the guard stops
   * it).
   */
  private static String aRewriteOf(String table, String quote) {
    String column =
        switch (table) {
          case "event_journal" -> "writer";
          case "event_tag" -> "tag";
          case "audit_log", "refusals" -> "actor";
          case "workflow_versions" -> "source";
          default -> throw new IllegalArgumentException(table);
        };
    return "UPDATE " + quote + table + quote + " SET " + quote + column + quote + " = 'mallory'";
  }

  /** Refused for want of a right: SQLSTATE 42501 (insufficient_privilege) or 42P01-like owners. */
  private static void assertNotPermitted(Statement statement, String sql) {
    SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
    assertEquals("42501", refused.getSQLState(), () -> sql + ": " + refused.getMessage());
    assertTrue(
        refused.getMessage().contains("permission denied")
            || refused.getMessage().contains("must be owner"),
        () -> sql + ": " + refused.getMessage());
  }

  /** Refused by the append-only trigger, whoever asks. */
  private static void assertAppendOnly(Statement statement, String sql) {
    SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
    assertTrue(
        refused.getMessage().contains("append-only"), () -> sql + ": " + refused.getMessage());
  }

  private static long count(TestPostgres.Database database, String sql) throws SQLException {
    try (Connection connection = database.connect()) {
      return count(connection, sql);
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
