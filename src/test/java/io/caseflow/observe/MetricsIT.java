package io.caseflow.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.OpenApiContract;
import io.caseflow.testing.PrometheusText;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} on the management port, scraped from a running node after real commands: each
 * family the README lists answers with the figures those commands made, and no label carries a case
 * id or a path as sent.
 */
class MetricsIT {

  private static final String WORKFLOW = "due-diligence";

  @Test
  void theManagementPortServesWhatTheNodeDidInPrometheusFormat() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onH2()) {
      ApiClient api = new ApiClient(node.baseUrl());
      api.openCase("alice", "metered-1", "Metered Ltd", "{\"riskLevel\":\"low\"}");
      assertEquals(200, api.post("/cases/metered-1/actions/submit", "alice", "{}").status());
      Response refused = api.post("/cases/metered-1/actions/approve", "alice", "{}");
      assertEquals(403, refused.status(), refused::toString);
      assertEquals(404, api.get("/no/such/path/metered-1", "alice").status());
      api.awaitReadSideIdle();

      ApiClient management = new ApiClient(node.managementUrl());
      Response scrape = management.get("/metrics", null);
      assertEquals(200, scrape.status(), "no token on the management port");
      assertEquals(
          Optional.of("text/plain; version=0.0.4; charset=UTF-8"), scrape.header("Content-Type"));
      PrometheusText metrics = PrometheusText.parse(scrape.text());

      assertEquals(
          1,
          metrics.sum(
              "caseflow_commands_seconds_count",
              "workflow",
              WORKFLOW,
              "command",
              "open",
              "outcome",
              "accepted"));
      assertEquals(
          1,
          metrics.sum(
              "caseflow_commands_seconds_count", "command", "submit", "outcome", "accepted"));
      String refusal = refused.code();
      assertEquals(
          1,
          metrics.sum("caseflow_commands_seconds_count", "command", "approve", "outcome", refusal));
      assertEquals(1, metrics.sum("caseflow_refusals_total", "code", refusal));
      assertEquals(2, metrics.sum("caseflow_journal_persist_seconds_count"));
      assertTrue(
          metrics.sum("caseflow_commands_seconds_bucket", "command", "open", "le", "+Inf") == 1,
          "command latency is a histogram");

      assertEquals(
          1,
          metrics.sum(
              "http_server_requests_seconds_count",
              "method",
              "POST",
              "route",
              "/cases/{caseId}/actions/{action}",
              "status",
              "200"));
      assertEquals(
          1,
          metrics.sum("http_server_requests_seconds_count", "route", "unmatched", "status", "404"));
      assertFalse(
          metrics.samples().stream()
              .anyMatch(
                  sample -> sample.labels().values().stream().anyMatch(v -> v.contains("metered"))),
          "no label carries a case id or a path as sent");

      assertEquals(1, metrics.sum("caseflow_cases", "workflow", WORKFLOW, "state", "in_review"));
      assertEquals(0, metrics.sum("caseflow_cases", "workflow", WORKFLOW, "state", "draft"));
      assertEquals(2, metrics.sum("caseflow_projection_events_total", "projection", "cases"));
      assertEquals(0, metrics.sum("caseflow_projection_lag_events", "projection", "cases"));
      assertEquals(0, metrics.sum("caseflow_projection_lag_seconds", "projection", "cases"));
      assertEquals(0, metrics.sum("caseflow_projection_dead_letters"));
      assertEquals(0, metrics.sum("caseflow_webhook_undelivered", "delivery_status", "pending"));
      assertEquals(0, metrics.sum("caseflow_webhook_undelivered", "delivery_status", "dead"));

      assertTrue(metrics.sum("jvm_memory_used_bytes") > 0, "JVM memory");
      assertTrue(metrics.sum("jvm_threads_live_threads") > 0, "JVM threads");
      assertTrue(metrics.sum("process_cpu_usage") >= 0, "process CPU");
      assertTrue(metrics.sum("process_cpu_seconds_total") > 0, "process CPU time");
      assertTrue(metrics.sum("system_cpu_cores") >= 1, "processors");
      assertTrue(
          metrics.sum("hikaricp_connections_max", "pool", "caseflow-service") > 0,
          "the service's pool");
    }
  }

  /**
   * Made-up paths, a thousand of them at up to eight segments, add no series: each is the one
   * {@code unmatched} route, so no client can grow the node's series, its memory or a Prometheus
   * server's. Every route label is a template of the document.
   */
  @Test
  void madeUpPathsAddNoSeries() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onH2()) {
      ApiClient api = new ApiClient(node.baseUrl());
      ApiClient management = new ApiClient(node.managementUrl());
      assertEquals(404, api.get("/no/such/path", "alice").status());
      int before = requestSeries(management);

      Random random = new Random(3_1);
      for (int i = 0; i < 1_000; i++) {
        StringBuilder path = new StringBuilder();
        int depth = 1 + random.nextInt(8);
        for (int segment = 0; segment < depth; segment++) {
          path.append('/').append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        assertEquals(404, api.get(path.toString(), "alice").status(), path::toString);
      }

      assertEquals(before, requestSeries(management), "series after a thousand made-up paths");
      Set<String> templates =
          OpenApiContract.get().operations().stream()
              .map(OpenApiContract.Operation::path)
              .collect(Collectors.toSet());
      for (PrometheusText.Sample sample :
          scrape(management).find("http_server_requests_seconds_count")) {
        String route = sample.labels().get("route");
        assertTrue(route.equals("unmatched") || templates.contains(route), route);
      }
    }
  }

  /**
   * The whole exposition passes Prometheus's own lint, {@code promtool check metrics}: names in
   * base units, {@code _count} and {@code _total} suffixes only where they belong. Debian's {@code
   * prometheus} package brings promtool; {@code .ci/run} installs it where it is missing.
   */
  @Test
  void theExpositionIsCleanUnderPromtool() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assertTrue(
        Files.isExecutable(promtool),
        "promtool is missing: install Debian's prometheus package (apt-get install prometheus)");
    try (RunningCaseflow node = RunningCaseflow.onH2()) {
      ApiClient api = new ApiClient(node.baseUrl());
      api.openCase("alice", "linted-1", "Linted Ltd", "{\"riskLevel\":\"low\"}");
      assertEquals(200, api.post("/cases/linted-1/actions/submit", "alice", "{}").status());
      assertEquals(403, api.post("/cases/linted-1/actions/approve", "alice", "{}").status());
      api.awaitReadSideIdle();
      String exposition = new ApiClient(node.managementUrl()).get("/metrics", null).text();

      Process check =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try (var input = check.getOutputStream()) {
        input.write(exposition.getBytes(StandardCharsets.UTF_8));
      }
      String findings = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
      assertEquals("", findings.strip(), "promtool's findings");
      assertEquals(0, check.exitValue(), findings);
    }
  }

  private static PrometheusText scrape(ApiClient management) {
    return PrometheusText.parse(management.get("/metrics", null).text());
  }

  private static int requestSeries(ApiClient management) {
    return scrape(management).find("http_server_requests_seconds_count").size();
  }

  /**
   * A node learns that a client went away when it next writes to the stream: heartbeats every
   * second make that soon.
   */
  @Test
  void liveStreamsAreCountedWhileTheyAreOpen() throws Exception {
    try (RunningCaseflow node =
        RunningCaseflow.onH2(Map.of("caseflow.http.event-stream-heartbeat", "1s"))) {
      ApiClient management = new ApiClient(node.managementUrl());
      try (SseStream stream =
          SseStream.open(node.baseUrl(), "/events", "alice", Optional.empty())) {
        assertEquals(200, stream.status());
        Eventually.awaitTrue(
            "the open stream counted", Duration.ofSeconds(10), () -> liveStreams(management) == 1);
      }
      Eventually.awaitTrue(
          "the closed stream no longer counted",
          Duration.ofSeconds(10),
          () -> liveStreams(management) == 0);
    }
  }

  private static double liveStreams(ApiClient management) {
    return PrometheusText.parse(management.get("/metrics", null).text())
        .sum("caseflow_live_streams");
  }
}
