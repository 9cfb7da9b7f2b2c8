package io.caseflow.jdbc;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import org.h2.api.ErrorCode;

/**
 * Tells a connection pool to drop a connection to an embedded H2 database that has closed itself.
 * H2 closes its database when a write fails (a full disk) and every open connection then answers
 * {@code 90098 database is closed} while still passing the pool's validity check; a new connection
 * opens the database again. Without this the pool kept its dead connections and the node took no
 * command until it was restarted, though the disk had space again.
 */
public final class ClosedDatabaseEviction implements SQLExceptionOverride {

  @java.lang.Override
  public Override adjudicate(SQLException failure) {
    return failure.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED
        ? Override.MUST_EVICT
        : Override.CONTINUE_EVICT;
  }
}
