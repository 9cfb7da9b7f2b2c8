package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import io.caseflow.workflow.WorkflowDefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
