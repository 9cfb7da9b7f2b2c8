package io.caseflow.query;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseId;
import io.caseflow.jdbc.Page;
import io.caseflow.jdbc.Sql;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Read-only queries over the read side's tables. Lists are keyset-paginated (newest update first,
 * ties broken by id), so a page costs the same wherever it is and concurrent inserts never shift
 * later pages.
 */
public final class CaseQueries {

  /**
   * Optional filters of a case list; null means "any". A subject matches cases of that subject in
   * clear, and cases whose sealed subject has {@code subjectRef}, the subject's reference.
   */
  public record Filter(
      String state, String workflow, String assignee, String subject, String subjectRef) {}

  /** A case as the read side holds it. */
  public record CaseSummary(
      String id,
      String tenant,
      String workflow,
      int workflowVersion,
      String subject,
      String title,
      String state,
      long version,
      String assignee,
      Map<String, Object> data,
      Instant createdAt,
      Instant updatedAt,
      String lastActor) {}

  public record StateCount(String workflow, String state, long cases) {}

  /** How many cases of every tenant follow a workflow version and are in a state. */
  public record VersionUse(String workflow, int version, String state, long cases) {}

  private record Cursor(Instant updatedAt, String id) {}

  private final DataSource dataSource;

  public CaseQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One page of a tenant's cases.
   *
   * @throws IllegalArgumentException when the cursor is not one this service issued
   */
  public Page<CaseSummary> list(String tenant, Filter filter, int limit, String cursor)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM cases WHERE tenant = ?");
    List<Object> parameters = new ArrayList<>(List.of(tenant));
    Sql.andEqual(sql, parameters, "state", filter.state());
    Sql.andEqual(sql, parameters, "workflow", filter.workflow());
    Sql.andEqual(sql, parameters, "assignee", filter.assignee());
    if (filter.subjectRef() != null) {
      sql.append(" AND (subject = ? OR subject_ref = ?)");
      parameters.add(filter.subject());
      parameters.add(filter.subjectRef());
    } else {
      Sql.andEqual(sql, parameters, "subject", filter.subject());
    }
    after(sql, parameters, cursor);
    sql.append(" ORDER BY updated_at DESC, id DESC LIMIT ?");
    parameters.add(limit + 1);
    try (Connection connection = dataSource.getConnection()) {
      return Page.of(
          Sql.query(connection, sql.toString(), CaseQueries::summary, parameters.toArray()),
          limit,
          CaseQueries::cursorOf);
    }
  }

  /**
   * Up to {@code limit} ids of the tenant's cases {@code selection} finds, in id order, after
   * {@code afterId} (null: from the first): how a bulk operation walks its cases.
   */
  public List<String> idsAfter(String tenant, CaseSelection selection, String afterId, int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT id FROM cases WHERE tenant = ?");
    List<Object> parameters = selected(sql, tenant, selection);
    if (afterId != null) {
      sql.append(" AND id > ?");
      parameters.add(afterId);
    }
    sql.append(" ORDER BY id LIMIT ?");
    parameters.add(limit);
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(connection, sql.toString(), row -> row.getString(1), parameters.toArray());
    }
  }

  /** How many of the tenant's cases {@code selection} finds, by state. */
  public Map<String, Long> countsByState(String tenant, CaseSelection selection)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT state, COUNT(*) FROM cases WHERE tenant = ?");
    List<Object> parameters = selected(sql, tenant, selection);
    sql.append(" GROUP BY state ORDER BY state");
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection connection = dataSource.getConnection()) {
      Sql.query(
              connection,
              sql.toString(),
              row -> Map.entry(row.getString(1), row.getLong(2)),
              parameters.toArray())
          .forEach(count -> counts.put(count.getKey(), count.getValue()));
    }
    return counts;
  }

  private static List<Object> selected(StringBuilder sql, String tenant, CaseSelection selection) {
    List<Object> parameters = new ArrayList<>(List.of(tenant));
    Sql.andEqual(sql, parameters, "workflow", selection.workflow());
    Sql.andEqual(sql, parameters, "workflow_version", selection.version());
    Sql.andEqual(sql, parameters, "state", selection.state());
    Sql.andEqual(sql, parameters, "assignee", selection.assignee());
    return parameters;
  }

  /** The columns {@link #summary} reads, first in a query's select list. */
  static final String SUMMARY_COLUMNS =
      "id, tenant, workflow, workflow_version, subject, title, state, version, assignee, data,"
          + " created_at, updated_at, last_actor";

  /** Adds the keyset condition of a list ordered newest update first: after {@code cursor}. */
  static void after(StringBuilder sql, List<Object> parameters, String cursor) {
    if (cursor != null) {
      Cursor after = decode(cursor);
      sql.append(" AND (updated_at < ? OR (updated_at = ? AND id < ?))");
      parameters.addAll(List.of(after.updatedAt(), after.updatedAt(), after.id()));
    }
  }

  /** The cursor of the page that starts after this case. */
  static String cursorOf(CaseSummary last) {
    return encode(new Cursor(last.updatedAt(), last.id()));
  }

  /** Cases per workflow and state for one tenant (summed over the projection slices). */
  public List<StateCount> stats(String tenant) throws SQLException {
    return stateCounts("WHERE tenant = ?", tenant);
  }

  /** Cases per workflow and state over every tenant, from the same counters. */
  public List<StateCount> totals() throws SQLException {
    return stateCounts("");
  }

  private List<StateCount> stateCounts(String where, Object... parameters) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
          connection,
          "SELECT workflow, state, SUM(cases) FROM state_counts "
              + where
              + " GROUP BY workflow, state HAVING SUM(cases) > 0 ORDER BY workflow, state",
          row -> new StateCount(row.getString(1), row.getString(2), row.getLong(3)),
          parameters);
    }
  }

  /** The workflow versions cases follow, with their states, over every tenant. */
  public List<VersionUse> workflowVersionsInUse() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
          connection,
          "SELECT workflow, workflow_version, state, COUNT(*) FROM cases"
              + " GROUP BY workflow, workflow_version, state",
          row -> new VersionUse(row.getString(1), row.getInt(2), row.getString(3), row.getLong(4)));
    }
  }

  /** The workflow version and state the read side holds for one case, if it holds the case. */
  public Optional<VersionUse> workflowVersionOf(CaseId caseId) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
              connection,
              "SELECT workflow, workflow_version, state FROM cases WHERE tenant = ? AND id = ?",
              row -> new VersionUse(row.getString(1), row.getInt(2), row.getString(3), 1),
              caseId.tenant(),
              caseId.id())
          .stream()
          .findFirst();
    }
  }

  /**
   * Whether the tables that lists and statistics read hold event {@code seq} of a case. The case
   * row's version is the last event applied to it, and the counters move in the same transaction;
   * {@code audit_log} would not do, since a rebuild keeps it while it empties the case rows.
   */
  public boolean hasApplied(String tenant, String caseId, long seq) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return !Sql.query(
              connection,
              "SELECT 1 FROM cases WHERE tenant = ? AND id = ? AND version >= ?",
              row -> true,
              tenant,
              caseId,
              seq)
          .isEmpty();
    }
  }

  static CaseSummary summary(ResultSet row) throws SQLException {
    return new CaseSummary(
        row.getString(1),
        row.getString(2),
        row.getString(3),
        row.getInt(4),
        row.getString(5),
        row.getString(6),
        row.getString(7),
        row.getLong(8),
        row.getString(9),
        CanonicalJson.parseObject(row.getString(10)),
        Sql.instant(row, 11),
        Sql.instant(row, 12),
        row.getString(13));
  }

  private static String encode(Cursor cursor) {
    String text = cursor.updatedAt() + "|" + cursor.id();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Cursor decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = text.indexOf('|');
      return new Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a cursor this service issued: " + cursor, e);
    }
  }
}
