package io.caseflow.readside;

import io.caseflow.cases.CaseTags;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * How far each projection instance is behind the journal: the events of its tag past its stored
 * offset, and the age of the oldest of them.
 */
public final class ProjectionLag {

  /** {@code secondsBehind} is 0 when nothing is pending. */
  public record Lag(String tag, long offset, long eventsBehind, double secondsBehind) {}

  private final DataSource dataSource;
  private final CaseTags tags;
  private final Clock clock;

  public ProjectionLag(DataSource dataSource, CaseTags tags, Clock clock) {
    this.dataSource = dataSource;
    this.tags = tags;
    this.clock = clock;
  }

  public List<Lag> current() {
    List<Lag> lags = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      for (String tag : tags.allTags()) {
        long offset = CaseProjection.storedOffset(connection, tag);
        long now = clock.millis();
        lags.add(
            Sql.query(
                    connection,
                    "SELECT COUNT(*), MIN(j.\"write_timestamp\") FROM \"event_tag\" t"
                        + " JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\""
                        + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ?",
                    row -> {
                      long behind = row.getLong(1);
                      long oldest = row.getLong(2);
                      double seconds = behind == 0 ? 0 : Math.max(0, now - oldest) / 1000.0;
                      return new Lag(tag, offset, behind, seconds);
                    },
                    tag,
                    offset)
                .get(0));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot measure projection lag", e);
    }
    return lags;
  }
}
