package io.caseflow.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.SseStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk operations as a tenant's admin runs them: a migration of running cases to a newer workflow
 * version (a dry run, the run killed with SIGKILL right after it started, its resumption, progress
 * as JSON and as server-sent events), and a reassignment, run to its end and cancelled.
 */
class BulkOperationsIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String ADMIN = "carol";
  private static final String RISK = "{\"riskLevel\":\"low\"}";

  @TempDir Path dataDir;
  @TempDir Path workflows;

  private static void act(ApiClient api, String id, String action, String user, String body) {
    Response acted = api.post("/cases/" + id + "/actions/" + action, user, body);
    assertEquals(200, acted.status(), acted::toString);
  }

  private static JsonNode finished(ApiClient api, String location) throws Exception {
    return Eventually.until(
        location + " finished",
        PATIENCE,
        () -> {
          Response operation = api.get(location, ADMIN);
          assertEquals(
              200, operation.status(), "the operation, recorded before the 202: " + operation);
          return operation.json();
        },
        operation -> !operation.get("status").asText().equals("running"));
  }

  /**
   * 120 cases of version 1: 60 in draft, 55 in review, 5 with changes requested, a state the test's
   * version 2 maps nowhere. The saga recovery job looks every second, not every five.
   */
  @Test
  void aMigrationMovesRunningCasesOnceAcrossACrashAndSaysWhatCannotMove() throws Exception {
    Path shipped = Path.of("conf/workflows");
    Files.copy(shipped.resolve("due-diligence.conf"), workflows.resolve("due-diligence.conf"));
    List<String> ids = IntStream.range(0, 120).mapToObj(i -> "m-%03d".formatted(i)).toList();
    try (ServiceProcess service =
        new ServiceProcess(dataDir, Map.of("CASEFLOW_WORKFLOWS_DIR", workflows.toString()))
            .withJvmArg("-Dcaseflow.sagas.recovery-interval=1s")) {
      ApiClient api = service.start().awaitReady();
      ids.forEach(id -> api.openCase("alice", id, id, RISK));
      ids.subList(0, 60).forEach(id -> act(api, id, "submit", "alice", null));
      ids.subList(0, 5)
          .forEach(
              id -> act(api, id, "request_changes", "bob", "{\"comment\":\"add the register\"}"));
      api.awaitReadSideIdle();
      service.kill();

      Files.writeString(
          workflows.resolve("due-diligence-v2.conf"),
          Files.readString(shipped.resolve("due-diligence-v2.conf"))
              .replace("changes_requested = changes_requested,", ""));
      ApiClient upgraded = service.start().awaitReady();
      assertEquals(
          2,
          upgraded
              .post("/cases", "alice", "{\"workflow\":\"due-diligence\",\"subject\":\"new\"}")
              .json()
              .get("workflowVersion")
              .asInt(),
          "new cases follow the newest version");

      JsonNode plan =
          upgraded
              .post(
                  "/admin/migrations",
                  ADMIN,
                  "{\"workflow\":\"due-diligence\",\"fromVersion\":1,\"toVersion\":2,"
                      + "\"dryRun\":true}")
              .json();
      assertEquals(120, plan.get("total").asInt(), plan::toString);
      assertEquals(
          "[{\"from\":\"draft\",\"to\":\"draft\",\"cases\":60},"
              + "{\"from\":\"in_review\",\"to\":\"in_review\",\"cases\":55}]",
          plan.get("moves").toString());
      assertEquals(
          "[{\"from\":\"changes_requested\",\"cases\":5,"
              + "\"reason\":\"version 2 maps no state to it\"}]",
          plan.get("cannotMove").toString());
      assertEquals(1, versionOf(upgraded, "m-000"), "a dry run moves nothing");
      assertEquals(
          "forbidden",
          upgraded.post("/admin/migrations", "bob", plan.toString()).code(),
          "only an admin migrates");
      assertEquals(
          "invalid_field",
          upgraded
              .post(
                  "/admin/migrations",
                  ADMIN,
                  "{\"workflow\":\"due-diligence\",\"fromVersion\":3,\"toVersion\":2}")
              .code());

      String run = "{\"workflow\":\"due-diligence\",\"fromVersion\":1,\"toVersion\":2}";
      Response started =
          upgraded
              .request("POST", "/admin/migrations", ADMIN)
              .header("Idempotency-Key", "to-v2")
              .body(run)
              .send();
      assertEquals(202, started.status(), started::toString);
      service.kill(); // at once: the operation is recorded, its first page at most under way
      String location = started.header("Location").orElseThrow();

      ApiClient resumed = service.start().awaitReady();
      JsonNode done = finished(resumed, location);
      assertEquals("completed", done.get("status").asText(), done::toString);
      assertEquals(120, done.get("total").asInt());
      assertEquals(115, done.get("done").asInt(), done::toString);
      assertEquals(5, done.get("failed").asInt());
      for (JsonNode failure : done.get("failures")) {
        assertTrue(ids.subList(0, 5).contains(failure.get("caseId").asText()), failure::toString);
        assertEquals("invalid_transition", failure.get("code").asText());
      }
      for (String id : ids) {
        JsonNode history = resumed.get("/cases/" + id + "/history", "alice").json();
        long migrations =
            StreamSupport.stream(history.spliterator(), false)
                .filter(event -> event.get("type").asText().equals("workflow_migrated"))
                .count();
        assertEquals(ids.indexOf(id) < 5 ? 0 : 1, migrations, history::toString);
      }
      for (String id : List.of("m-000", "m-005", "m-059", "m-060", "m-119")) {
        assertTrue(
            resumed
                .get("/cases/" + id + "/history/verify", "alice")
                .json()
                .get("valid")
                .asBoolean(),
            id + "'s chain, with its workflow_migrated event");
      }
      assertEquals(2, versionOf(resumed, "m-100"));
      assertEquals(1, versionOf(resumed, "m-000"), "left where no state maps");
      JsonNode inReview = resumed.get("/cases/m-050/explain", "bob").json();
      assertEquals(
          "escalate",
          inReview.get("deadlines").get(0).get("action").asText(),
          "a migrated review runs version 2's deadline");

      Response again =
          resumed
              .request("POST", "/admin/migrations", ADMIN)
              .header("Idempotency-Key", "to-v2")
              .body(run)
              .send();
      assertEquals(202, again.status());
      assertEquals(location, again.header("Location").orElseThrow(), "the same operation");
      assertEquals("completed", again.json().get("status").asText());

      try (SseStream progress =
          SseStream.open(service.baseUrl(), location + "/events", ADMIN, Optional.empty())) {
        assertEquals(200, progress.status());
        JsonNode last = progress.await(1, PATIENCE).get(0).data();
        assertEquals("completed", last.get("status").asText(), "a finished operation's one frame");
      }
    }
  }

  private static int versionOf(ApiClient api, String id) {
    return api.get("/cases/" + id, "alice").json().get("workflowVersion").asInt();
  }

  @Test
  void aBulkReassignmentRunsToItsEndOrStopsWhenCancelled() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onH2()) {
      ApiClient api = new ApiClient(node.baseUrl());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        ids.add(
            api.openCase("alice", "r-%03d".formatted(i), "r-" + i, RISK).json().get("id").asText());
      }
      act(api, "r-000", "withdraw", "alice", null);
      api.awaitReadSideIdle();

      Response everything =
          api.post("/admin/bulk/reassign", ADMIN, "{\"assignee\":\"bob\",\"filter\":{}}");
      assertEquals(202, everything.status(), everything::toString);
      String location = everything.header("Location").orElseThrow();
      assertTrue(location.startsWith("/admin/bulk/"), location);
      try (SseStream progress =
          SseStream.open(node.baseUrl(), location + "/events", ADMIN, Optional.empty())) {
        List<SseStream.Event> frames =
            progress.awaitUntil(
                seen ->
                    !seen.isEmpty()
                        && !seen.get(seen.size() - 1)
                            .data()
                            .get("status")
                            .asText()
                            .equals("running"),
                PATIENCE);
        assertTrue(frames.stream().allMatch(frame -> frame.type().equals("progress")));
        JsonNode last = frames.get(frames.size() - 1).data();
        assertEquals("completed", last.get("status").asText(), last::toString);
        assertEquals(300, last.get("total").asInt());
        assertEquals(299, last.get("done").asInt());
        assertEquals(
            "[{\"caseId\":\"r-000\",\"code\":\"invalid_transition\"}]",
            last.get("failures").toString(),
            "a closed case keeps its assignee");
      }
      assertEquals("bob", api.get("/cases/r-299", "alice").json().get("assignee").asText());

      Response everyOther =
          api.post(
              "/admin/bulk/reassign",
              ADMIN,
              "{\"assignee\":\"erin\",\"filter\":{\"state\":\"draft\",\"assignee\":\"bob\"}}");
      assertEquals(202, everyOther.status());
      String second = everyOther.header("Location").orElseThrow();
      Response cancelled = api.post(second + "/cancel", ADMIN, null);
      assertEquals(200, cancelled.status(), cancelled::toString);
      assertTrue(cancelled.json().get("cancelRequested").asBoolean());
      JsonNode stopped = finished(api, second);
      assertEquals("cancelled", stopped.get("status").asText(), stopped::toString);
      assertTrue(stopped.get("done").asInt() < 299, stopped::toString);
      assertEquals(
          "cancelled",
          api.post(second + "/cancel", ADMIN, null).json().get("status").asText(),
          "cancelling a finished operation answers it as it is");

      String id = location.substring("/admin/bulk/".length());
      assertEquals(
          "operation_not_found",
          api.get("/admin/migrations/" + id, ADMIN).code(),
          "a reassignment is not a migration");
      assertEquals("operation_not_found", api.get("/admin/bulk/no-such-op", ADMIN).code());
      assertEquals("forbidden", api.get(location, "bob").code());
      assertEquals(
          "missing_field",
          api.post("/admin/bulk/reassign", ADMIN, "{\"filter\":{\"state\":\"draft\"}}").code());
    }
  }
}
