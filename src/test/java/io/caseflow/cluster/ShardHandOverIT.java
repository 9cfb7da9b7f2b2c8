package io.caseflow.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fast feedback on shard hand-over: three nodes inside the test JVM form a cluster on one
 * PostgreSQL; one leaves gracefully, and the cases it hosted (asked of Cluster Sharding on that
 * node before it leaves) answer on the others at once and are hosted there, their histories intact.
 */
@Tag("cluster")
class ShardHandOverIT {

  private static final String TENANT = "acme";

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

      Set<String> hostedByLeaving = hostedCases(nodes, cases).get(2);
      assertFalse(
          hostedByLeaving.isEmpty(),
          "the leaving node hosted none of the 30 cases: no hand-over to test");

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
          "[cluster] graceful leave: the leaving node hosted %d of the 30 cases %s; all 30"
              + " answered on the others within %.1f s%n",
          hostedByLeaving.size(), hostedByLeaving, handOver.toMillis() / 1000.0);
      List<Set<String>> hostedAfter = hostedCases(nodes, cases);
      for (String id : hostedByLeaving) {
        assertTrue(
            hostedAfter.get(0).contains(id) || hostedAfter.get(1).contains(id),
            () -> id + ", hosted by the node that left, is hosted by another now: " + hostedAfter);
      }
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

  /**
   * The cases each node's case shard region holds, as Cluster Sharding on that node reports them;
   * asked until every case is held by exactly one node (a shard that does not answer in time is
   * left out of a report, and every case here was just sent a command, so it is running).
   */
  private static List<Set<String>> hostedCases(List<RunningCaseflow> nodes, List<String> cases)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      List<Set<String>> hosted = new ArrayList<>();
      for (RunningCaseflow node : nodes) {
        hosted.add(hostedCases(node));
      }
      List<String> held = hosted.stream().flatMap(Set::stream).toList();
      if (held.size() == new HashSet<>(held).size() && new HashSet<>(held).containsAll(cases)) {
        return hosted;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "the nodes' shard regions did not account for each case exactly once: " + hosted);
      }
      Thread.sleep(250);
    }
  }

  private static Set<String> hostedCases(RunningCaseflow node) throws Exception {
    CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo -> new GetShardRegionState(CaseEntity.TYPE_KEY, replyTo),
                Duration.ofSeconds(10),
                node.system().scheduler())
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS);
    Set<String> cases = new TreeSet<>();
    state.getShards().stream()
        .flatMap(shard -> shard.getEntityIds().stream())
        .map(CaseId::fromEntityId)
        .filter(id -> id.tenant().equals(TENANT))
        .forEach(id -> cases.add(id.id()));
    return cases;
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
