package io.caseflow.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells a failure of the database (which passes: lost connection, deadlock, restart) from a failure
 * of the event itself (which recurs): only the latter may make an event a poison event.
 */
public final class TransientFailures {

  /** SQLSTATE classes and codes of passing trouble: connection, rollback, shutdown, resources. */
  private static final Set<String> CLASSES = Set.of("08", "40", "53", "57");

  private TransientFailures() {}

  public static boolean isTransient(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
        return true;
      }
      if (cause instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().length() >= 2
          && CLASSES.contains(sql.getSQLState().substring(0, 2))) {
        return true;
      }
    }
    return false;
  }
}
