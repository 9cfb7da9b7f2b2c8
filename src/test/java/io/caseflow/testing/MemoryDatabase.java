package io.caseflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/** An H2 database in memory of a test's own, holding the tables one migration creates. */
public final class MemoryDatabase {

  private MemoryDatabase() {}

  /** A fresh database with {@code migration} (a file under {@code db/}) applied. */
  public static JdbcDataSource with(Path migration) throws IOException, SQLException {
    JdbcDataSource database = new JdbcDataSource();
    database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(Files.readString(migration));
    }
    return database;
  }
}
