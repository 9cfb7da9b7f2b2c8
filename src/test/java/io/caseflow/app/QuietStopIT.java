package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A normal stop of the packaged service ({@code SIGTERM}, as a service manager or Kubernetes sends
 * it) after real work: the coordinated shutdown ends everything before what it uses is closed, so
 * the stop logs no WARN or ERROR line and the JVM exits as a clean SIGTERM stop does. The start may
 * warn (demo tokens are on, a key was generated): only what is written after the signal counts.
 */
class QuietStopIT {

  /**
   * What the JVM answers for SIGTERM once its shutdown hooks have run to their end: 128 + 15. Pekko
   * does not call {@code System.exit} itself when its coordinated shutdown ran from the JVM's hook.
   */
  private static final int CLEAN_SIGTERM_EXIT = 143;

  private static final Pattern WARN_OR_ERROR =
      Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR) .*");
  private static final Duration STOP_PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  @Test
  void aSigtermStopOnTheEmbeddedDatabaseLogsNoWarningAndExitsClean() throws Exception {
    try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
      stopsQuietlyAfterWork(service, "h2");
    }
  }

  @Test
  void aSigtermStopOnPostgresqlLogsNoWarningAndExitsClean() throws Exception {
    try (ServiceProcess service = ServiceProcess.onPostgres(dataDir, TestPostgres.newDatabase())) {
      stopsQuietlyAfterWork(service, "postgresql");
    }
  }

  /** The service's whole log is kept in {@code target/quiet-stop-<database>.log}, passed or not. */
  private static void stopsQuietlyAfterWork(ServiceProcess service, String database)
      throws Exception {
    // Sharded daemon processes (projections, cluster jobs) are pinged every 10 s to keep them
    // running; a ping that reached a region while it handed its shards off held the stop for 9 s
    // and logged two WARNs. Pinging every 50 ms makes that meeting certain rather than rare.
    service.withJvmArg("-Dpekko.cluster.sharded-daemon-process.keep-alive-interval=50ms");
    ApiClient api = service.start().awaitReady();
    api.openCase("alice", "quiet-1", "QUIET-LTD", "{\"riskLevel\":\"high\"}");
    // Live streams open across the stop, as an ops console left open keeps them.
    try (SseStream tenantFeed =
            SseStream.open(service.baseUrl(), "/events", "alice", Optional.empty());
        SseStream caseFeed =
            SseStream.open(service.baseUrl(), "/cases/quiet-1/events", "bob", Optional.empty())) {
      assertEquals(200, api.post("/cases/quiet-1/actions/submit", "alice", null).status());
      Response approved =
          api.request("POST", "/cases/quiet-1/actions/approve", "bob")
              .header("If-Match", "\"2\"")
              .body("{\"comment\":\"All checks passed\"}")
              .send();
      assertEquals(200, approved.status(), approved::toString);
      assertEquals(
          201, api.post("/cases/quiet-1/comments", "alice", "{\"text\":\"filed\"}").status());
      api.awaitReadSideIdle();
      Response listed =
          api.request("GET", "/cases?state=approved", "alice")
              .header("Caseflow-Consistency", "quiet-1@4")
              .send();
      assertEquals(200, listed.status(), listed::toString);
      assertEquals(
          "quiet-1", listed.json().get("items").get(0).get("id").asText(), listed::toString);
      assertEquals(4, caseFeed.await(4, Duration.ofSeconds(20)).size(), "the live stream is open");
      assertTrue(tenantFeed.status() == 200, "the tenant's live stream is open");

      int before = service.output().length();
      service.terminate();
      int exit = service.awaitExit(STOP_PATIENCE);
      String stop = service.output().substring(before);
      Files.writeString(Path.of("target", "quiet-stop-" + database + ".log"), service.output());

      List<String> offending = offendingLines(stop);
      assertTrue(
          offending.isEmpty(),
          () ->
              "the stop logged "
                  + offending.size()
                  + " WARN/ERROR lines:\n"
                  + String.join("\n", offending));
      assertEquals(CLEAN_SIGTERM_EXIT, exit, () -> "exit code of the stop; it logged:\n" + stop);
      assertTrue(
          stop.contains("Running CoordinatedShutdown with reason [JvmExitReason]"),
          () -> "the stop ran Pekko's coordinated shutdown:\n" + stop);
    }
  }

  /** Each WARN or ERROR line with the two lines after it (the exception, its first frame). */
  private static List<String> offendingLines(String output) {
    List<String> lines = output.lines().toList();
    List<String> offending = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (WARN_OR_ERROR.matcher(lines.get(i)).matches()) {
        offending.add(String.join("\n    ", lines.subList(i, Math.min(lines.size(), i + 3))));
      }
    }
    return offending;
  }
}
