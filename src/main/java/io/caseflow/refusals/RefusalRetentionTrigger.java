package io.caseflow.refusals;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.h2.api.Trigger;

/**
 * On the embedded H2 database, refuses every UPDATE of the refusal log and every DELETE of a row
 * younger than {@link RefusalSettings#MIN_RETENTION} (PostgreSQL has the same rule in PL/pgSQL, see
 * {@code db/postgresql}).
 */
public final class RefusalRetentionTrigger implements Trigger {

  /** The position of {@code at} in a row of {@code refusals} (see {@code db/common/V7}). */
  private static final int AT = 1;

  @Override
  public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
    if (newRow == null && isOlderThanMinimumRetention((OffsetDateTime) oldRow[AT])) {
      return;
    }
    throw new SQLException(
        "refusals is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " refused", "42501");
  }

  private static boolean isOlderThanMinimumRetention(OffsetDateTime at) {
    Duration age = Duration.between(at.toInstant(), Instant.now());
    return age.compareTo(RefusalSettings.MIN_RETENTION) > 0;
  }
}
