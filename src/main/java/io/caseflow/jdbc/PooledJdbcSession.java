package io.caseflow.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One read-side transaction on a pooled connection: the projection runs its handler and stores its
 * offset through it, then commits both together. On the embedded H2 database nothing is written
 * while its disk is all but full ({@link EmbeddedDiskHeadroom}): the projection tries again later.
 */
public final class PooledJdbcSession implements JdbcSession {

  private final Connection connection;

  public PooledJdbcSession(DataSource dataSource) {
    Connection opened = null;
    try {
      opened = dataSource.getConnection();
      opened.setAutoCommit(false);
    } catch (SQLException e) {
      closeQuietly(opened);
      throw new IllegalStateException("No read-side database connection: " + e.getMessage(), e);
    }
    connection = opened;
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> function) throws Exception {
    EmbeddedDiskHeadroom.check(connection);
    return function.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the connection is broken already; the pool replaces it
      }
    }
  }
}
