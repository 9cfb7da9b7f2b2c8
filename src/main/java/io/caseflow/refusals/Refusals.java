package io.caseflow.refusals;

import io.caseflow.jdbc.Page;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the refusal log, newest first and keyset-paginated by row id, and removes rows past their
 * retention.
 */
public final class Refusals {

  /** Null means "any"; a null tenant is every tenant, for the platform operator. */
  public record Filter(String tenant, String caseId, String actor, String code, Instant since) {}

  /** A refusal as stored, {@code repeats} being how many alike were folded into the row. */
  public record Entry(
      long id,
      Instant at,
      String tenant,
      String actor,
      boolean actorVerified,
      String sourceAddress,
      String method,
      String route,
      String caseId,
      String action,
      String code,
      int repeats) {}

  private static final int DELETE_CHUNK = 10_000;

  private final DataSource dataSource;

  public Refusals(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One page of refusals.
   *
   * @throws IllegalArgumentException when the cursor is not one this service issued
   */
  public Page<Entry> list(Filter filter, int limit, String cursor) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, tenant, actor, actor_verified, source_address, method, route, case_id,"
                + " action, code, repeats FROM refusals WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    Sql.andEqual(sql, parameters, "tenant", filter.tenant());
    Sql.andEqual(sql, parameters, "case_id", filter.caseId());
    Sql.andEqual(sql, parameters, "actor", filter.actor());
    Sql.andEqual(sql, parameters, "code", filter.code());
    if (filter.since() != null) {
      sql.append(" AND at >= ?");
      parameters.add(filter.since());
    }
    if (cursor != null) {
      sql.append(" AND id < ?");
      parameters.add(decode(cursor));
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    parameters.add(limit + 1);
    try (Connection connection = dataSource.getConnection()) {
      return Page.of(
          Sql.query(connection, sql.toString(), Refusals::entry, parameters.toArray()),
          limit,
          last -> Long.toString(last.id()));
    }
  }

  /**
   * Removes refusals recorded before {@code cutoff}, a chunk per call; answers how many. The
   * service may not delete from the log itself: {@code expire_refusals} does, with the owner's
   * rights.
   */
  public long deleteRecordedBefore(Instant cutoff) throws SQLException {
    long deleted = 0;
    try (Connection connection = dataSource.getConnection()) {
      int chunk;
      do {
        chunk =
            Sql.query(
                    connection,
                    "SELECT expire_refusals(?, ?)",
                    row -> row.getInt(1),
                    cutoff,
                    DELETE_CHUNK)
                .get(0);
        deleted += chunk;
      } while (chunk == DELETE_CHUNK);
    }
    return deleted;
  }

  private static long decode(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a cursor this service issued: " + cursor, e);
    }
  }

  private static Entry entry(ResultSet row) throws SQLException {
    return new Entry(
        row.getLong(1),
        Sql.instant(row, 2),
        row.getString(3),
        row.getString(4),
        row.getBoolean(5),
        row.getString(6),
        row.getString(7),
        row.getString(8),
        row.getString(9),
        row.getString(10),
        row.getString(11),
        row.getInt(12));
  }
}
