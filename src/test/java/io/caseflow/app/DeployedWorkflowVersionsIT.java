package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import io.caseflow.workflow.DefinitionHash;
import io.caseflow.workflow.WorkflowDefinitionException;
import io.caseflow.workflow.WorkflowSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployed workflow version cannot change under its running cases: a start whose definition of a
 * version differs in meaning from the one first deployed is refused, naming the file, the workflow
 * and the version; a comment or a layout change is no change, and a new version stands beside.
 */
class DeployedWorkflowVersionsIT {

  private static final Path SHIPPED = Path.of("conf/workflows");
  private static final String V2 = "due-diligence-v2.conf";

  @TempDir Path workflows;
  @TempDir Path dataDir;

  @Test
  void onPostgresAChangedVersionIsRefusedAndANewOneStandsBeside() throws Exception {
    copyShipped();
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, workflowsDir())) {
      ApiClient api = new ApiClient(node.baseUrl());
      assertEquals(
          2, api.openCase("alice", "waiting", "WAITING").json().get("workflowVersion").asInt());
    }
    String v2 = Files.readString(SHIPPED.resolve(V2));

    Files.writeString(workflows.resolve(V2), v2.replace("after = 72h", "after = 2s"));
    WorkflowDefinitionException refused =
        assertThrows(
            WorkflowDefinitionException.class,
            () -> RunningCaseflow.onPostgres(database, workflowsDir()).close());
    assertNamesTheChange(refused.getMessage());

    Files.writeString(
        workflows.resolve(V2),
        "# Reviewed again: the same rules, laid out anew.\n\n"
            + v2.replace("after = 72h", "after = \"72h\"").replace(" = ", "   =   "));
    Files.writeString(
        workflows.resolve("due-diligence-v3.conf"),
        v2.replace("version = 2", "version = 3").replace("after = 72h", "after = 2s"));
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, workflowsDir())) {
      ApiClient api = new ApiClient(node.baseUrl());
      assertEquals(3, api.openCase("alice", "new", "NEW").json().get("workflowVersion").asInt());
      assertEquals(2, api.get("/cases/waiting", "alice").json().get("workflowVersion").asInt());
    }
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT workflow, version, source FROM workflow_versions"
                    + " ORDER BY workflow, version")) {
      List<String> recorded = new ArrayList<>();
      while (rows.next()) {
        recorded.add(rows.getString(1) + " v" + rows.getInt(2) + " " + rows.getString(3));
      }
      assertEquals(
          List.of(
              "due-diligence v1 " + workflows.resolve("due-diligence.conf"),
              "due-diligence v2 " + workflows.resolve(V2),
              "due-diligence v3 " + workflows.resolve("due-diligence-v3.conf"),
              "insurance-claim v1 " + workflows.resolve("insurance-claim.conf")),
          recorded);
    }
  }

  /** The packaged service on the embedded default: exit 2, as for any invalid definition. */
  @Test
  void onTheEmbeddedDefaultTheServiceExitsNamingTheChangedFile() throws Exception {
    copyShipped();
    Map<String, String> environment = Map.of("CASEFLOW_WORKFLOWS_DIR", workflows.toString());
    try (ServiceProcess service = new ServiceProcess(dataDir, environment)) {
      service.start().awaitReady();
      service.kill();
    }
    Files.writeString(
        workflows.resolve(V2),
        Files.readString(SHIPPED.resolve(V2)).replace("after = 72h", "after = 2s"));
    try (ServiceProcess service = new ServiceProcess(dataDir, environment).start()) {
      assertEquals(2, service.awaitExit(Duration.ofSeconds(90)));
      assertNamesTheChange(service.output());
    }
  }

  /**
   * Nodes starting at once on one database, each the first to load the same new versions: all
   * start, and each version is recorded once. Each round races the nodes on a version none has
   * seen.
   */
  @Test
  void nodesRecordingTheSameNewVersionAtOnceAllStart() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    int nodes = 4;
    int rounds = 25;
    List<Storage> storages = new ArrayList<>();
    ExecutorService starts = Executors.newFixedThreadPool(nodes);
    try {
      for (int i = 0; i < nodes; i++) {
        storages.add(Storage.open(settingsOf(database)));
      }
      for (int round = 0; round < rounds; round++) {
        String definition = "name = race-" + round + "\nversion = 1\n";
        List<WorkflowSource> versions =
            List.of(
                new WorkflowSource("race-" + round, 1, "race.conf", DefinitionHash.of(definition)));
        CyclicBarrier together = new CyclicBarrier(nodes);
        List<Future<?>> started = new ArrayList<>();
        for (Storage storage : storages) {
          started.add(
              starts.submit(
                  () -> {
                    together.await();
                    DeployedWorkflowVersions.check(
                        storage.dataSource(), versions, Clock.systemUTC());
                    return null;
                  }));
        }
        for (Future<?> start : started) {
          start.get();
        }
      }
    } finally {
      starts.shutdownNow();
      storages.forEach(Storage::close);
    }
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT COUNT(*), COUNT(DISTINCT workflow) FROM workflow_versions")) {
      assertTrue(rows.next());
      assertEquals(rounds, rows.getInt(1));
      assertEquals(rounds, rows.getInt(2));
    }
  }

  private static void assertNamesTheChange(String message) {
    assertTrue(message.contains(V2), message);
    assertTrue(message.contains("'due-diligence' version 2"), message);
    assertTrue(message.contains("publish the change as a new version"), message);
    assertFalse(message.contains("due-diligence.conf:"), "only the changed file: " + message);
  }

  private void copyShipped() throws Exception {
    for (String file : List.of("due-diligence.conf", V2, "insurance-claim.conf")) {
      Files.copy(SHIPPED.resolve(file), workflows.resolve(file));
    }
  }

  private Map<String, Object> workflowsDir() {
    return Map.of("caseflow.workflows-dir", workflows.toString());
  }

  private static CaseflowSettings settingsOf(TestPostgres.Database database) {
    return CaseflowSettings.from(
        ConfigFactory.parseMap(database.settings()).withFallback(ConfigFactory.load()).resolve());
  }
}
