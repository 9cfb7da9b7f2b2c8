package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestWorkflows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines on a running node: a review left in review for two seconds escalates by itself, as the
 * system, exactly once, also when two firers race for it, and across a SIGKILL between the moment
 * it came due and its firing.
 */
class DeadlinesIT {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path workflows;
  @TempDir Path dataDir;

  /** The tests' escalating review, with a deadline of two seconds instead of three days. */
  private Path twoSecondDeadline() throws Exception {
    String review =
        Files.readString(TestWorkflows.DIRECTORY.resolve("escalating-review.conf"))
            .replace("after = 72h", "after = 2s");
    Files.writeString(workflows.resolve("escalating-review.conf"), review);
    return workflows;
  }

  /** A node on H2 with the two-second deadline, whose firing job looks every {@code interval}. */
  private RunningCaseflow lookingEvery(String interval) throws Exception {
    return RunningCaseflow.onH2(
        Map.of(
            "caseflow.workflows-dir",
            twoSecondDeadline().toString(),
            "caseflow.deadlines.poll-interval",
            interval));
  }

  private static void openAndSubmit(ApiClient api, String id) {
    assertEquals(
        201,
        api.post(
                "/cases",
                "alice",
                "{\"id\":\"" + id + "\",\"workflow\":\"escalating-review\",\"subject\":\"S\"}")
            .status());
    assertEquals(200, api.post("/cases/" + id + "/actions/submit", "alice", null).status());
  }

  private static JsonNode awaitEscalated(ApiClient api, String id) throws Exception {
    Eventually.until(
        id + " escalated",
        PATIENCE,
        () -> api.get("/cases/" + id, "alice").json().get("state").asText(),
        state -> state.equals("escalated"));
    return api.get("/cases/" + id + "/history", "alice").json();
  }

  private static long bySystem(JsonNode history) {
    return StreamSupport.stream(history.spliterator(), false)
        .filter(event -> event.get("actor").asText().equals("system:deadline"))
        .count();
  }

  @Test
  void aReviewLeftTooLongEscalatesByItselfOnce() throws Exception {
    try (RunningCaseflow node = lookingEvery("200ms")) {
      ApiClient api = new ApiClient(node.baseUrl());
      openAndSubmit(api, "late-1");
      JsonNode history = awaitEscalated(api, "late-1");
      assertEquals(1, bySystem(history), history::toString);
      assertEquals("escalate", history.get(2).get("action").asText());
      assertTrue(api.get("/cases/late-1/history/verify", "alice").json().get("valid").asBoolean());
      openAndSubmit(api, "late-2");
      assertEquals(
          "deadline_pending",
          api.post("/cases/late-2/actions/escalate", "bob", null).code(),
          "only the deadline takes that action, when it comes due");
    }
  }

  /** Two firers race for the same due deadline (two nodes, or a failover): one escalation. */
  @Test
  void racingFirersMoveTheCaseOnce() throws Exception {
    try (RunningCaseflow node = lookingEvery("1h")) {
      ApiClient api = new ApiClient(node.baseUrl());
      openAndSubmit(api, "raced-1");
      api.awaitReadSideIdle();
      Thread.sleep(2_500);
      JdbcDataSource database = new JdbcDataSource();
      database.setURL(node.h2Url());
      database.setUser("sa");
      List<DeadlineFiring> firers =
          List.of(firing(node, database), firing(node, database), firing(node, database));
      List<CompletableFuture<Integer>> runs =
          firers.stream().map(firer -> CompletableFuture.supplyAsync(firer::runOnce)).toList();
      runs.forEach(CompletableFuture::join);

      JsonNode history = awaitEscalated(api, "raced-1");
      assertEquals(1, bySystem(history), history::toString);
      assertEquals(3, history.size());
    }
  }

  private static DeadlineFiring firing(RunningCaseflow node, JdbcDataSource database) {
    return new DeadlineFiring(
        database,
        ClusterSharding.get(node.system()),
        Clock.systemUTC(),
        Duration.ofSeconds(5),
        100);
  }

  /**
   * The packaged service killed after the deadline came due and before it was fired (its job looks
   * only once an hour), then started again: the deadline fires, once.
   */
  @Test
  void aDeadlineDueWhenTheNodeWasKilledFiresAfterTheRestart() throws Exception {
    Map<String, String> environment =
        Map.of("CASEFLOW_WORKFLOWS_DIR", twoSecondDeadline().toString());
    try (ServiceProcess service =
        new ServiceProcess(dataDir, environment)
            .withJvmArg("-Dcaseflow.deadlines.poll-interval=1h")) {
      ApiClient api = service.start().awaitReady();
      openAndSubmit(api, "killed-1");
      api.awaitReadSideIdle();
      Thread.sleep(3_000);
      assertEquals("in_review", api.get("/cases/killed-1", "alice").json().get("state").asText());
      service.kill();

      api =
          service
              .withoutJvmArgs()
              .withJvmArg("-Dcaseflow.deadlines.poll-interval=200ms")
              .start()
              .awaitReady();
      JsonNode history = awaitEscalated(api, "killed-1");
      assertEquals(1, bySystem(history), history::toString);
      Thread.sleep(1_000);
      assertEquals(
          3,
          api.get("/cases/killed-1/history", "alice").json().size(),
          "nothing fired twice since");
    }
  }
}
