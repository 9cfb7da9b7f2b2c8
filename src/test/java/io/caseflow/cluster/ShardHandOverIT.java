package io.caseflow.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Fast feedback on shard hand-over: three nodes inside the test JVM form a cluster on one
 * PostgreSQL; one leaves gracefully, and its cases answer on the others at once, their histories
 * intact.
 */
class ShardHandOverIT {

  @Test
  void casesOfANodeThatLeavesAnswerOnTheOthers() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    List<Integer> ports = IntStream.range(0, 3).mapToObj(i -> ServiceProcess.freePort()).toList();
    String seeds =
        ports.subList(0, 2).stream()
            .map(port -> "127.0.0.1:" + port)
            .collect(Collectors.joining(","));
    List<RunningCaseflow> nodes = new ArrayList<>();
    try {
      for (int port : ports) {
        nodes.add(
            RunningCaseflow.onPostgres(
                database,
                Map.of(
                    "caseflow.cluster.port", port,
                    "caseflow.cluster.seed-nodes", seeds)));
      }
      List<ApiClient> apis = nodes.stream().map(node -> new ApiClient(node.baseUrl())).toList();
      for (ApiClient api : apis) {
        awaitReady(api);
      }
      List<String> cases = IntStream.range(0, 30).mapToObj(i -> "handover-" + i).toList();
      for (String id : cases) {
        assertEquals(
            201,
            apis.get(0)
                .post(
                    "/cases",
                    "alice",
                    "{\"id\":\""
                        + id
                        + "\",\"workflow\":\"due-diligence\",\"subject\":\""
                        + id
                        + "\"}")
                .status());
        assertEquals(
            200,
            apis.get(2)
                .post(
                    "/cases/" + id + "/actions/submit",
                    "alice",
                    "{\"data\":{\"riskLevel\":\"low\"}}")
                .status(),
            "a case answers on any node");
      }

      Instant left = Instant.now();
      nodes.remove(2).close();
      for (String id : cases) {
        Response response =
            apis.get(1)
                .post("/cases/" + id + "/actions/request_changes", "bob", "{\"comment\":\"more\"}");
        assertEquals(200, response.status(), () -> id + ": " + response);
        assertEquals(3, response.json().get("version").asInt());
      }
      Duration handOver = Duration.between(left, Instant.now());
      System.out.printf(
          "[cluster] graceful leave: all 30 cases answered on the others within %.1f s%n",
          handOver.toMillis() / 1000.0);
      for (String id : cases) {
        assertTrue(
            apis.get(0)
                .get("/cases/" + id + "/history/verify", "alice")
                .json()
                .get("valid")
                .asBoolean());
      }
    } finally {
      nodes.forEach(RunningCaseflow::close);
    }
  }

  private static void awaitReady(ApiClient api) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (api.get("/health/ready", null).status() == 200) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("node not ready within 60 s");
  }
}
