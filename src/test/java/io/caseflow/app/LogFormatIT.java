package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caseflow.testing.ServiceProcess;
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
