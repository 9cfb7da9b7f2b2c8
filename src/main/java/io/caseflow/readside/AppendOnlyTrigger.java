package io.caseflow.readside;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * On the embedded H2 database, refuses every UPDATE and DELETE of an append-only table (H2 runs
 * triggers as Java classes; PostgreSQL uses a PL/pgSQL trigger, see {@code db/}).
 */
public final class AppendOnlyTrigger implements Trigger {

  private String table;

  @Override
  public void init(
      Connection connection,
      String schema,
      String trigger,
      String table,
      boolean before,
      int type) {
    this.table = table;
  }

  @Override
  public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
    throw new SQLException(
        table + " is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " refused", "42501");
  }
}
