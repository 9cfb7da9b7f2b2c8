package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.CaseTags;
import io.caseflow.readside.CaseProjection;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import io.caseflow.workflow.WorkflowDefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workflow version whose definition was removed while open cases follow it: the node refuses to
 * start and says which version and how many cases, instead of failing those cases' commands.
 */
class RetiredWorkflowVersionIT {

  @TempDir Path deployments;

  @Test
  void refusesToStartWithoutTheVersionOpenCasesFollow() throws Exception {
    String v1 = Files.readString(Path.of("conf/workflows/due-diligence.conf"));
    String v2 = v1.replace("version = 1", "version = 2");
    Path onlyV1 = deployment("only-v1", Map.of("due-diligence.conf", v1));
    Path onlyV2 = deployment("only-v2", Map.of("due-diligence-v2.conf", v2));
    Path both = deployment("both", Map.of("due-diligence.conf", v1, "due-diligence-v2.conf", v2));

    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, workflowsIn(onlyV1))) {
      ApiClient api = new ApiClient(node.baseUrl());
      for (String id : List.of("open-1", "open-2", "closed-1")) {
        api.openCase("alice", id, id);
      }
      assertEquals(200, api.post("/cases/closed-1/actions/withdraw", "alice", null).status());
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(List.of("open-1", "open-2", "closed-1"), Duration.ofSeconds(60));
    }

    WorkflowDefinitionException refused =
        assertThrows(
            WorkflowDefinitionException.class,
            () -> RunningCaseflow.onPostgres(database, workflowsIn(onlyV2)).close());
    assertTrue(
        refused.getMessage().contains("'due-diligence' version 1 is not defined any more, but 2"),
        refused::getMessage);

    try (RunningCaseflow upgraded = RunningCaseflow.onPostgres(database, workflowsIn(both))) {
      ApiClient api = new ApiClient(upgraded.baseUrl());
      assertEquals(
          201, api.post("/cases/open-1/comments", "alice", "{\"text\":\"still served\"}").status());
    }
  }

  /**
   * The read side paused, as a stop can leave it, so that the journal alone holds the last events.
   * Start-up counts cases as the journal has them: two cases opened after the pause keep their
   * version in use, though the read side has never seen them; once they are closed, in the journal
   * alone again, a node without their version starts, and their commands are refused with a code of
   * their own while they still read.
   */
  @Test
  void countsCasesAsTheJournalHasThemAndRefusesCommandsOnARetiredVersionWithACode()
      throws Exception {
    String v1 = Files.readString(Path.of("conf/workflows/due-diligence.conf"));
    String v2 = v1.replace("version = 1", "version = 2");
    Path onlyV1 = deployment("only-v1", Map.of("due-diligence.conf", v1));
    Path onlyV2 = deployment("only-v2", Map.of("due-diligence-v2.conf", v2));
    Path both = deployment("both", Map.of("due-diligence.conf", v1, "due-diligence-v2.conf", v2));
    List<String> cases = List.of("closed-1", "held-1", "held-2");

    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, workflowsIn(onlyV1))) {
      ApiClient api = new ApiClient(node.baseUrl());
      api.openCase("alice", "closed-1", "closed-1");
      assertEquals(200, api.post("/cases/closed-1/actions/withdraw", "alice", null).status());
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(List.of("closed-1"), Duration.ofSeconds(60));
      projections(node, ProjectionManagement.get(node.system())::pause);
      api.openCase("alice", "held-1", "held-1");
      api.openCase("alice", "held-2", "held-2");
    }
    assertEquals(List.of("closed-1 closed"), readSide(database), "the opened cases are not seen");

    WorkflowDefinitionException refused =
        assertThrows(
            WorkflowDefinitionException.class,
            () -> RunningCaseflow.onPostgres(database, workflowsIn(onlyV2)).close(),
            "the cases the read side has not seen follow version 1");
    assertTrue(
        refused.getMessage().contains("'due-diligence' version 1 is not defined any more, but 2"),
        refused::getMessage);

    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, workflowsIn(both))) {
      ApiClient api = new ApiClient(node.baseUrl());
      ProjectionManagement projections = ProjectionManagement.get(node.system());
      projections(node, projections::resume);
      new ReadSideExpectation(api, database, "alice", "acme")
          .awaitExact(cases, Duration.ofSeconds(60));
      projections(node, projections::pause);
      for (String id : List.of("held-1", "held-2")) {
        assertEquals(200, api.post("/cases/" + id + "/actions/withdraw", "alice", null).status());
      }
    }
    assertEquals(
        List.of("closed-1 closed", "held-1 draft", "held-2 draft"),
        readSide(database),
        "the read side has not seen the cases closed");

    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, workflowsIn(onlyV2))) {
      ApiClient api = new ApiClient(node.baseUrl());
      ApiClient.Response comment =
          api.post(
              "/cases/held-1/comments", "alice", "{\"text\":\"a closed case takes comments\"}");
      assertEquals(409, comment.status(), comment::toString);
      assertEquals("workflow_version_retired", comment.code());
      assertEquals("1", comment.json().get("workflowVersion").asText());
      assertEquals("workflow_version_retired", api.get("/cases/held-1/explain", "bob").code());
      assertEquals("closed", api.get("/cases/held-1", "alice").json().get("state").asText());
      assertEquals(2, api.get("/cases/held-1/history", "alice").json().size());
      assertEquals(200, api.get("/inbox", "alice").status());
    }
  }

  private static void projections(
      RunningCaseflow node, Function<ProjectionId, CompletionStage<Done>> operation) {
    int slices = node.system().settings().config().getInt("caseflow.read-side.slices");
    for (ProjectionId projection : CaseProjection.ids(new CaseTags(slices))) {
      operation.apply(projection).toCompletableFuture().join();
    }
  }

  private static List<String> readSide(TestPostgres.Database database) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, state FROM cases ORDER BY id")) {
      while (result.next()) {
        rows.add(result.getString(1) + " " + result.getString(2));
      }
    }
    return rows;
  }

  private Path deployment(String name, Map<String, String> files) throws Exception {
    Path directory = Files.createDirectories(deployments.resolve(name));
    Files.writeString(
        directory.resolve("insurance-claim.conf"),
        Files.readString(Path.of("conf/workflows/insurance-claim.conf")));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(directory.resolve(file.getKey()), file.getValue());
    }
    return directory;
  }

  private static Map<String, Object> workflowsIn(Path directory) {
    return Map.of("caseflow.workflows-dir", directory.toString());
  }
}
