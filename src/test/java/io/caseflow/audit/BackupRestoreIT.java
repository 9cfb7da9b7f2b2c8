package io.caseflow.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ClusterLoad;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup of PostgreSQL taken under load ({@code pg_dump}, a consistent snapshot), restored into a
 * fresh database with {@code psql}, and a node started on it with the same checkpoint export: it
 * takes the restored database as the continuation of the exported chain, every case's chain
 * verifies against the signed checkpoints, every action acknowledged before the dump began is in
 * the restored journal, and the checkpoints go on from there.
 */
class BackupRestoreIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void aDumpTakenUnderLoadRestoresToAHistoryThatVerifies() throws Exception {
    TestPostgres.Database original = TestPostgres.newDatabase();
    Path export = work.resolve("export");
    Path dump = work.resolve("backup.sql");
    Map<String, String> exportDir = Map.of("CASEFLOW_AUDIT_EXPORT_DIR", export.toString());
    long dumpStarted;
    long checkpoint;
    int acknowledged;
    ClusterLoad load;
    try (ServiceProcess node = node(work.resolve("node-1"), original, exportDir)) {
      ApiClient api = node.awaitReady();
      load =
          new ClusterLoad(List.of(node.baseUrl()), "backup", 8, Duration.ofSeconds(60))
              .pausing(Duration.ofMillis(20));
      load.start();
      Thread.sleep(4_000);
      checkpoint = checkpointNow(api);
      Thread.sleep(2_000);
      dumpStarted = System.nanoTime();
      pgDump(original, dump);
      Thread.sleep(2_000);
      load.stop();
      acknowledged = load.acknowledged();
      assertEquals(checkpoint, checkpointNumbers(api).last(), "no checkpoint after the dump");
    }

    TestPostgres.Database restored = TestPostgres.emptyLike(original);
    psql(restored, dump);
    try (ServiceProcess node = node(work.resolve("node-2"), restored, exportDir)) {
      ApiClient api = node.awaitReady();
      assertTrue(
          !node.output().contains("Audit checkpoints stopped"),
          "the restored database continues the exported chain: " + node.output());

      JsonNode report = verifyAll(api);
      assertTrue(report.get("valid").asBoolean(), report::toString);
      int inRestore = 0;
      for (ClusterLoad.Ack ack : load.acks()) {
        JsonNode history = api.get("/cases/" + ack.caseId() + "/history", "alice").json();
        boolean present = history.size() >= ack.version();
        if (ack.atNanos() < dumpStarted) {
          assertTrue(present, () -> ack + " was acknowledged before the dump began");
        }
        inRestore += present ? 1 : 0;
      }
      Thread.sleep(2_500);
      long next = checkpointNow(api);
      assertTrue(next > checkpoint, "the checkpoints go on over the restored journal's tail");
      assertTrue(Files.isRegularFile(export.resolve(String.format("checkpoint-%010d.json", next))));
      System.out.printf(
          "[backup] pg_dump under load: %d acknowledged actions, %d of them in the restored"
              + " database (all those acknowledged before the dump began); its chains verify"
              + " against the exported checkpoints (up to %d), and checkpoint %d follows them%n",
          acknowledged, inRestore, checkpoint, next);
    }
  }

  /** A node on {@code database}; every node signs with the same key, kept in the work dir. */
  private ServiceProcess node(
      Path dataDir, TestPostgres.Database database, Map<String, String> exportDir)
      throws IOException {
    Files.createDirectories(dataDir);
    Map<String, String> environment = new HashMap<>(database.environment());
    environment.putAll(exportDir);
    environment.put("CASEFLOW_DEMO_TOKENS", "true");
    environment.put("CASEFLOW_AUDIT_SIGNING_KEY", RunningCaseflow.auditKey(work).toString());
    return new ServiceProcess(dataDir, environment)
        .withJvmArg("-Dcaseflow.audit.checkpoint-interval=1h")
        // a gap in the journal's positions 2 s old is final: no checkpoint waits a minute for it
        .withJvmArg("-Dcaseflow.audit.commit-grace=2s")
        .start();
  }

  private static long checkpointNow(ApiClient api) {
    ApiClient.Response made = api.post("/admin/audit/checkpoints", "oscar", null);
    assertEquals(200, made.status(), made::toString);
    return made.json().get("number").asLong();
  }

  private static TreeSet<Long> checkpointNumbers(ApiClient api) {
    TreeSet<Long> numbers = new TreeSet<>();
    api.get("/audit/checkpoints", "carol")
        .json()
        .get("items")
        .forEach(item -> numbers.add(item.get("number").asLong()));
    return numbers;
  }

  private static JsonNode verifyAll(ApiClient api) throws Exception {
    assertEquals(202, api.post("/admin/audit/verify", "oscar", null).status());
    return Eventually.until(
        "the restored journal verified",
        PATIENCE,
        () -> api.get("/admin/audit/verify", "oscar").json(),
        status -> status.get("status").asText().equals("complete"));
  }

  private static void pgDump(TestPostgres.Database database, Path out) throws Exception {
    URI url = URI.create(database.url().substring("jdbc:".length()));
    run(
        database,
        List.of(
            "pg_dump",
            "--host=" + url.getHost(),
            "--port=" + url.getPort(),
            "--username=" + database.owner(),
            "--file=" + out,
            url.getPath().substring(1)));
  }

  private static void psql(TestPostgres.Database database, Path dump) throws Exception {
    URI url = URI.create(database.url().substring("jdbc:".length()));
    run(
        database,
        List.of(
            "psql",
            "--host=" + url.getHost(),
            "--port=" + url.getPort(),
            "--username=" + database.owner(),
            "--dbname=" + url.getPath().substring(1),
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--quiet",
            "--file=" + dump));
  }

  private static void run(TestPostgres.Database database, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", database.ownerPassword());
    Process process;
    try {
      process = builder.start();
    } catch (IOException missing) {
      throw new AssertionError(
          "This test backs up and restores with PostgreSQL's client tools (pg_dump, psql):"
              + " apt-get install postgresql-client (.ci/run does)",
          missing);
    }
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), command.get(0) + " ends");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), () -> command.get(0) + " failed: " + output);
  }
}
