package io.caseflow.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.app.Caseflow;
import io.caseflow.app.Storage;
import io.caseflow.audit.SigningKey;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;

/** A whole Caseflow node inside the test JVM, on a free port, cleaned up when closed. */
public final class RunningCaseflow implements AutoCloseable {

  /**
   * TEST ONLY, public: the key that encrypts webhook secrets on PostgreSQL unless a test sets
   * another ({@code caseflow.secret-key}, empty for none).
   */
  public static final String TEST_SECRET_KEY = "dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMzJieXQ=";

  private final Caseflow caseflow;
  private final Path dataDir;
  private final TestPostgres.Database postgres;

  private RunningCaseflow(Caseflow caseflow, Path dataDir, TestPostgres.Database postgres) {
    this.caseflow = caseflow;
    this.dataDir = dataDir;
    this.postgres = postgres;
  }

  /** On the embedded H2 default, in a fresh data directory. */
  public static RunningCaseflow onH2() {
    return onH2(Map.of());
  }

  /** On the embedded H2 default, with further settings (HOCON paths) over the defaults. */
  public static RunningCaseflow onH2(Map<String, Object> settings) {
    return start(settings, null, null);
  }

  /** On the embedded H2 default, its spans going to {@code telemetry}. */
  public static RunningCaseflow onH2TracedBy(OpenTelemetry telemetry) {
    return start(Map.of(), null, telemetry);
  }

  public static RunningCaseflow onPostgres(TestPostgres.Database database) {
    return onPostgres(database, Map.of());
  }

  /** On PostgreSQL, with further settings (HOCON paths) over the defaults. */
  public static RunningCaseflow onPostgres(
      TestPostgres.Database database, Map<String, Object> settings) {
    Map<String, Object> overrides = new HashMap<>(settings);
    overrides.putAll(database.settings());
    overrides.putIfAbsent("caseflow.auth.demo-tokens", "true");
    overrides.putIfAbsent("caseflow.secret-key", TEST_SECRET_KEY);
    return start(overrides, database, null);
  }

  private static RunningCaseflow start(
      Map<String, Object> overrides, TestPostgres.Database postgres, OpenTelemetry telemetry) {
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("caseflow-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> settings = new HashMap<>(overrides);
    settings.put("caseflow.http.interface", "127.0.0.1");
    settings.put("caseflow.http.port", 0);
    settings.putIfAbsent("caseflow.cluster.management-port", 0);
    // Tests drive few demo users far past a person's rate; RateLimitsIT turns the limits on.
    settings.putIfAbsent("caseflow.rate-limits.enabled", false);
    settings.put("caseflow.data-dir", dataDir.toString());
    if (postgres != null && !settings.containsKey("caseflow.audit.signing-key")) {
      settings.put("caseflow.audit.signing-key", auditKey(dataDir).toString());
    }
    Config config = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()).resolve();
    try {
      Caseflow caseflow =
          telemetry == null ? Caseflow.start(config) : Caseflow.start(config, telemetry);
      return new RunningCaseflow(caseflow, dataDir, postgres);
    } catch (RuntimeException refused) {
      // Tests that expect a refused start leave nothing behind either.
      deleteRecursively(dataDir);
      throw refused;
    }
  }

  /**
   * A signing key for the node's audit checkpoints, in its data directory: on PostgreSQL a node
   * makes none without one (the embedded default generates its own).
   */
  public static Path auditKey(Path directory) {
    Path file = directory.resolve("test-audit-signing-key.pem");
    try {
      if (Files.notExists(file)) {
        SigningKey.generate().writeNew(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The node's data directory (its H2 files, keys, exported checkpoints). */
  public Path dataDir() {
    return dataDir;
  }

  /** The JDBC URL of the embedded H2 database (same JVM, so it may be opened alongside). */
  public String h2Url() {
    return Storage.embeddedUrl(dataDir);
  }

  /**
   * A connection of the test's own to the node's database, H2 or PostgreSQL, beside the node's
   * pools: for looking at or changing stored rows behind the service's back.
   */
  public Connection connect() throws SQLException {
    return postgres != null ? postgres.connect() : DriverManager.getConnection(h2Url(), "sa", "");
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + caseflow.httpPort();
  }

  /** Pekko Management: {@code /alive}, {@code /ready}, {@code /cluster/members}. */
  public String managementUrl() {
    return "http://127.0.0.1:" + caseflow.managementPort();
  }

  /**
   * The node's actor system, to ask Pekko itself (for instance where Cluster Sharding put a case).
   */
  public ActorSystem<Void> system() {
    return caseflow.system();
  }

  @Override
  public void close() {
    caseflow.close();
    deleteRecursively(dataDir);
  }

  public static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
