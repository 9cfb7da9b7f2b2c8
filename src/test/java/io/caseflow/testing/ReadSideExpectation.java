package io.caseflow.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the read side must hold for a set of cases, worked out from the write side (each case's own
 * state and its journal history, over HTTP), and compared with the query tables by SQL.
 */
public final class ReadSideExpectation {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApiClient api;
  private final TestPostgres.Database database;
  private final String user;
  private final String tenant;

  public ReadSideExpectation(
      ApiClient api, TestPostgres.Database database, String user, String tenant) {
    this.api = api;
    this.database = database;
    this.user = user;
    this.tenant = tenant;
  }

  /**
   * Waits until the read side matches the write side exactly for the given cases (ids of cases that
   * do not exist are passed over); fails with the difference.
   */
  public void awaitExact(Collection<String> caseIds, Duration patience) throws Exception {
    Snapshot expected = expected(caseIds);
    Instant deadline = Instant.now().plus(patience);
    Snapshot actual = actual();
    while (!expected.equals(actual) && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      actual = actual();
    }
    if (!expected.equals(actual)) {
      fail("Read side differs from the write side:\n" + expected.differenceFrom(actual));
    }
  }

  /** The read side's content: rows per table, keyed so that duplicates would show. */
  public record Snapshot(
      Map<String, String> cases,
      Map<String, Integer> auditRows,
      Map<String, Integer> transitionRows,
      Map<String, Long> stateCounts) {

    String differenceFrom(Snapshot actual) {
      List<String> lines = new ArrayList<>();
      diff(lines, "cases", cases, actual.cases());
      diff(lines, "audit_log", auditRows, actual.auditRows());
      diff(lines, "case_transitions", transitionRows, actual.transitionRows());
      diff(lines, "state_counts", stateCounts, actual.stateCounts());
      return String.join("\n", lines.subList(0, Math.min(30, lines.size())));
    }

    private static <V> void diff(
        List<String> lines, String table, Map<String, V> expected, Map<String, V> actual) {
      for (String key : expected.keySet()) {
        if (!Objects.equals(expected.get(key), actual.get(key))) {
          lines.add(
              table
                  + " "
                  + key
                  + ": expected "
                  + expected.get(key)
                  + ", read side has "
                  + actual.get(key));
        }
      }
      for (String key : actual.keySet()) {
        if (!expected.containsKey(key)) {
          lines.add(table + " " + key + ": unexpected " + actual.get(key));
        }
      }
    }
  }

  public Snapshot expected(Collection<String> caseIds) {
    Map<String, String> cases = new TreeMap<>();
    Map<String, Integer> audit = new TreeMap<>();
    Map<String, Integer> transitions = new TreeMap<>();
    Map<String, Long> counts = new TreeMap<>();
    for (String id : caseIds) {
      ApiClient.Response found = api.get("/cases/" + id, user);
      if (found.status() == 404) {
        continue;
      }
      JsonNode view = found.json();
      cases.put(
          id,
          row(
              view.get("state").asText(),
              view.get("version").asLong(),
              text(view.get("assignee")),
              view.get("data")));
      counts.merge(view.get("workflow").asText() + "/" + view.get("state").asText(), 1L, Long::sum);
      for (JsonNode event : api.get("/cases/" + id + "/history", user).json()) {
        audit.put(id + "#" + event.get("seq").asLong(), 1);
        // every transition, a merge saga's steps included, is a case_transitions row
        if (List.of("action_performed", "merge_step").contains(event.get("type").asText())) {
          transitions.put(id + "#" + event.get("seq").asLong(), 1);
        }
      }
    }
    return new Snapshot(cases, audit, transitions, counts);
  }

  public Snapshot actual() throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      Map<String, String> cases = new TreeMap<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT id, state, version, assignee, data FROM cases WHERE tenant = '"
                  + tenant
                  + "'")) {
        while (rows.next()) {
          cases.put(
              rows.getString(1),
              row(rows.getString(2), rows.getLong(3), rows.getString(4), parse(rows.getString(5))));
        }
      }
      Map<String, Integer> audit = countRows(statement, "audit_log");
      Map<String, Integer> transitions = countRows(statement, "case_transitions");
      Map<String, Long> counts = new TreeMap<>();
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT workflow, state, SUM(cases) FROM state_counts WHERE tenant = '"
                  + tenant
                  + "' GROUP BY workflow, state HAVING SUM(cases) <> 0")) {
        while (rows.next()) {
          counts.put(rows.getString(1) + "/" + rows.getString(2), rows.getLong(3));
        }
      }
      return new Snapshot(cases, audit, transitions, counts);
    }
  }

  private Map<String, Integer> countRows(Statement statement, String table) throws SQLException {
    Map<String, Integer> rows = new TreeMap<>();
    try (ResultSet result =
        statement.executeQuery(
            "SELECT case_id, seq, COUNT(*) FROM "
                + table
                + " WHERE tenant = '"
                + tenant
                + "' GROUP BY case_id, seq")) {
      while (result.next()) {
        rows.put(result.getString(1) + "#" + result.getLong(2), result.getInt(3));
      }
    }
    return rows;
  }

  private static String row(String state, long version, String assignee, JsonNode data) {
    return state
        + " v"
        + version
        + " assignee="
        + assignee
        + " data="
        + JSON.convertValue(data, TreeMap.class);
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
