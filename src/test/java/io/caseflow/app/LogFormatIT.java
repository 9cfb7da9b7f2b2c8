package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestIssuer;
import io.caseflow.testing.TraceCollector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code CASEFLOW_LOG_FORMAT}: the packaged service logs text by default, JSON lines on demand. */
class LogFormatIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TEXT_LINE =
      Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ .*");

  @TempDir Path dataDir;

  @Test
  void jsonLogsAreOneObjectPerLine() throws Exception {
    try (ServiceProcess service =
        new ServiceProcess(dataDir, Map.of("CASEFLOW_LOG_FORMAT", "json"))) {
      service.start().awaitReady();
      List<JsonNode> entries = new ArrayList<>();
      for (String line : service.output().split("\n")) {
        assertFalse(TEXT_LINE.matcher(line).matches(), () -> "a text log line: " + line);
        if (line.startsWith("{")) {
          entries.add(JSON.readTree(line));
        }
      }
      JsonNode serving =
          entries.stream()
              .filter(
                  entry -> entry.path("message").asText().startsWith("Caseflow is serving on port"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no JSON line says the node serves: " + entries));
      assertEquals("INFO", serving.get("level").asText());
      assertEquals("io.caseflow.Main", serving.get("logger_name").asText());
      assertTrue(serving.has("@timestamp"), serving::toString);
    }
  }

  @Test
  void withAnOtlpEndpointRequestsAreTracedAndJsonLogLinesNameTheirTrace() throws Exception {
    String refusedTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String openedTrace = "0af7651916cd43dd8448eb211c80319c";
    try (TestIssuer issuer = new TestIssuer();
        TraceCollector collector = new TraceCollector();
        ServiceProcess service =
            new ServiceProcess(
                dataDir,
                Map.of(
                    "CASEFLOW_LOG_FORMAT",
                    "json",
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    collector.endpoint(),
                    "OTEL_SERVICE_NAME",
                    "caseflow-log-format-it",
                    "CASEFLOW_JWT_ISSUER",
                    issuer.issuer(),
                    "CASEFLOW_JWT_AUDIENCE",
                    TestIssuer.AUDIENCE))) {
      ApiClient api = service.start().awaitReady();
      String valid = issuer.token("mallory", "acme", "analyst");
      String forged = valid.substring(0, valid.length() - 4) + "AAAA";

      ApiClient.Response refused =
          api.request("GET", "/cases", null)
              .header("Authorization", "Bearer " + forged)
              .header("traceparent", "00-" + refusedTrace + "-00f067aa0ba902b7-01")
              .send();
      ApiClient.Response opened =
          api.request("POST", "/cases", "alice")
              .header("traceparent", "00-" + openedTrace + "-b7ad6b7169203331-01")
              .body("{\"id\":\"traced-1\",\"workflow\":\"due-diligence\",\"subject\":\"S-1\"}")
              .send();

      assertEquals(401, refused.status(), refused::toString);
      assertEquals(201, opened.status(), opened::toString);
      JsonNode refusal =
          Eventually.await(
              "the refusal's log line",
              Duration.ofSeconds(20),
              () ->
                  jsonLines(service.output()).stream()
                      .filter(e -> e.path("message").asText().startsWith("Refused a bearer token"))
                      .findFirst());
      assertEquals(refusedTrace, refusal.path("trace_id").asText(), refusal::toString);
      assertEquals(16, refusal.path("span_id").asText().length(), refusal::toString);
      TraceCollector.Export exported =
          collector.awaitExport(
              export -> export.carriesTrace(openedTrace) && export.mentions("POST /cases"),
              Duration.ofSeconds(30));
      assertEquals("/v1/traces", exported.path());
      assertTrue(exported.mentions("caseflow-log-format-it"), "the service name is reported");
      assertTrue(
          jsonLines(service.output()).stream()
              .filter(e -> e.path("message").asText().startsWith("Caseflow is serving on port"))
              .allMatch(e -> !e.has("trace_id")),
          "a line written outside any request names no trace");
    }
  }

  private static List<JsonNode> jsonLines(String output) throws Exception {
    List<JsonNode> entries = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("{")) {
        entries.add(JSON.readTree(line));
      }
    }
    return entries;
  }

  @Test
  void textIsTheDefault() throws Exception {
    try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
      service.start().awaitReady();
      assertTrue(
          service
              .output()
              .lines()
              .anyMatch(
                  line ->
                      TEXT_LINE.matcher(line).matches()
                          && line.contains("Caseflow is serving on port")),
          service::output);
    }
  }

  @Test
  void anUnknownFormatIsRefusedRatherThanLoggingNothing() throws Exception {
    try (ServiceProcess service =
        new ServiceProcess(dataDir, Map.of("CASEFLOW_LOG_FORMAT", "xml"))) {
      service.start();
      assertEquals(2, service.awaitExit(Duration.ofSeconds(60)), service::output);
      assertTrue(
          service.output().contains("CASEFLOW_LOG_FORMAT must be one of [text, json], was 'xml'"),
          service::output);
    }
  }
}
