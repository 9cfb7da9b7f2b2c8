package io.caseflow.saga;

import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * Reads the {@code saga_status} table ({@link SagaStatusProjection} keeps it): the sagas for
 * operators, and for the recovery job those that have not finished.
 */
public final class SagaStatus {

  /** A saga as the table holds it; {@code sagaId} is the saga's persistence id. */
  public record Row(
      String sagaId,
      String kind,
      String tenant,
      String status,
      String summary,
      Instant startedAt,
      Instant updatedAt,
      boolean stuck) {}

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration stuckAfter;

  SagaStatus(DataSource dataSource, Clock clock, Duration stuckAfter) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.stuckAfter = stuckAfter;
  }

  /** Sagas not finished, oldest change first; {@code stuck} when unchanged for stuck-after. */
  public List<Row> unfinished() {
    Instant stuckBefore = clock.instant().minus(stuckAfter);
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
          connection,
          "SELECT saga_id, kind, tenant, status, summary, started_at, updated_at FROM saga_status"
              + " WHERE status IN (?, ?) ORDER BY updated_at",
          row -> {
            Instant updatedAt = Sql.instant(row, 7);
            return new Row(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                Sql.instant(row, 6),
                updatedAt,
                updatedAt.isBefore(stuckBefore));
          },
          MergeSaga.Status.RUNNING.id(),
          MergeSaga.Status.COMPENSATING.id());
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list unfinished sagas", e);
    }
  }

  /** How many sagas of each kind are in each status, every status named (for the metrics). */
  public Map<String, Map<String, Long>> countsByKindAndStatus() {
    try (Connection connection = dataSource.getConnection()) {
      Map<String, Map<String, Long>> counts = new TreeMap<>();
      for (Count count :
          Sql.query(
              connection,
              "SELECT kind, status, COUNT(*) FROM saga_status GROUP BY kind, status",
              row -> new Count(row.getString(1), row.getString(2), row.getLong(3)))) {
        counts
            .computeIfAbsent(count.kind(), kind -> everyStatusAtZero())
            .put(count.status(), count.sagas());
      }
      return counts;
    } catch (SQLException e) {
      throw new IllegalStateException("Could not count sagas", e);
    }
  }

  private record Count(String kind, String status, long sagas) {}

  private static Map<String, Long> everyStatusAtZero() {
    Map<String, Long> zero = new LinkedHashMap<>();
    for (MergeSaga.Status status : MergeSaga.Status.values()) {
      zero.put(status.id(), 0L);
    }
    return zero;
  }

  /** The entity a row's saga id (a persistence id) names. */
  static String entityIdOf(String sagaId) {
    return PersistenceId.extractEntityId(sagaId);
  }
}
