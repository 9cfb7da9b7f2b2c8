package io.caseflow.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.ClusterMembers;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nodes that find each other by cluster bootstrap instead of seed nodes, as in {@code deploy/}
 * (there through the Kubernetes API; here through Pekko's {@code config} discovery, the one that
 * runs without Kubernetes): three nodes with no seed nodes form one cluster, and each node's
 * management port and API agree that it is ready.
 */
@Tag("cluster")
class ClusterBootstrapIT {

  @Test
  void nodesWithoutSeedNodesFormOneClusterThroughDiscovery() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    List<Integer> managementPorts =
        IntStream.range(0, 3).mapToObj(i -> ServiceProcess.freePort()).toList();
    List<Map<String, Object>> endpoints =
        managementPorts.stream()
            .map(port -> Map.<String, Object>of("host", "127.0.0.1", "port", port))
            .toList();
    List<RunningCaseflow> nodes = new ArrayList<>();
    try {
      for (int managementPort : managementPorts) {
        nodes.add(
            RunningCaseflow.onPostgres(
                database,
                Map.of(
                    "caseflow.cluster.discovery-method",
                    "config",
                    "caseflow.cluster.management-port",
                    managementPort,
                    "pekko.discovery.config.services.caseflow.endpoints",
                    endpoints,
                    // all nodes share one host here; by default bootstrap would then keep only
                    // the contact point on its own management port
                    "pekko.management.cluster.bootstrap.contact-point" + ".filter-on-fallback-port",
                    false)));
      }
      for (RunningCaseflow node : nodes) {
        ClusterMembers.awaitWhole(node.managementUrl(), 3, Duration.ofSeconds(90));
        // a member becomes ready once its case shard region has registered, shortly after Up
        awaitStatus(new ApiClient(node.baseUrl()), "/health/ready", 200);
        assertEquals(200, new ApiClient(node.managementUrl()).get("/ready", null).status());
      }

      ApiClient first = new ApiClient(nodes.get(0).baseUrl());
      ApiClient last = new ApiClient(nodes.get(2).baseUrl());
      assertEquals(
          201,
          first
              .post(
                  "/cases",
                  "alice",
                  "{\"id\":\"bootstrapped\",\"workflow\":\"due-diligence\",\"subject\":\"S\"}")
              .status());
      assertEquals(
          200,
          last.post(
                  "/cases/bootstrapped/actions/submit",
                  "alice",
                  "{\"data\":{\"riskLevel\":\"low\"}}")
              .status(),
          "one cluster: a case answers on any node");
    } finally {
      nodes.forEach(RunningCaseflow::close);
    }
  }

  private static void awaitStatus(ApiClient api, String path, int status)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    Response response = api.get(path, null);
    while (response.status() != status && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      response = api.get(path, null);
    }
    assertEquals(status, response.status(), response::toString);
  }
}
