package io.caseflow.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.app.Caseflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;

/** A whole Caseflow node inside the test JVM, on a free port, cleaned up when closed. */
public final class RunningCaseflow implements AutoCloseable {

  private final Caseflow caseflow;
  private final Path dataDir;

  private RunningCaseflow(Caseflow caseflow, Path dataDir) {
    this.caseflow = caseflow;
    this.dataDir = dataDir;
  }

  /** On the embedded H2 default, in a fresh data directory. */
  public static RunningCaseflow onH2() {
    return start(Map.of());
  }

  public static RunningCaseflow onPostgres(TestPostgres.Database database) {
    return onPostgres(database, Map.of());
  }

  /** On PostgreSQL, with further settings (HOCON paths) over the defaults. */
  public static RunningCaseflow onPostgres(
      TestPostgres.Database database, Map<String, Object> settings) {
    Map<String, Object> overrides = new HashMap<>(settings);
    overrides.put("caseflow.db.url", database.url());
    overrides.put("caseflow.db.user", database.user());
    overrides.put("caseflow.db.password", database.password());
    overrides.putIfAbsent("caseflow.auth.demo-tokens", "true");
    return start(overrides);
  }

  private static RunningCaseflow start(Map<String, Object> overrides) {
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
    settings.put("caseflow.data-dir", dataDir.toString());
    Config config = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()).resolve();
    return new RunningCaseflow(Caseflow.start(config), dataDir);
  }

  /** The JDBC URL of the embedded H2 database (same JVM, so it may be opened alongside). */
  public String h2Url() {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("caseflow") + ";WRITE_DELAY=0";
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
