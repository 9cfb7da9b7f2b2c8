package io.caseflow.refusals;

import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * The refusal log's retention clean-up on the embedded H2 database, as the function {@code
 * expire_refusals} (PostgreSQL has it in PL/pgSQL, run with the schema owner's rights, see {@code
 * db/postgresql/V11}), so the service removes expired refusals by one call on either database.
 */
public final class RefusalExpiry {

  private RefusalExpiry() {}

  /** Removes up to {@code maxRows} refusals recorded before {@code cutoff}; answers how many. */
  public static int expire(Connection connection, OffsetDateTime cutoff, int maxRows)
      throws SQLException {
    return Sql.update(
        connection,
        "DELETE FROM refusals WHERE id IN (SELECT id FROM refusals WHERE at < ?"
            + " ORDER BY id LIMIT ?)",
        cutoff.toInstant(),
        maxRows);
  }
}
