package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service as a user runs it: {@code java -jar target/caseflow.jar}, as a separate
 * process, killed without warning and started again on the same data directory.
 */
class FatJarIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dataDir;
  private Process process;

  @AfterEach
  void killProcess() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void sigkillLosesNoAcknowledgedChange() throws Exception {
    int port = freePort();
    process = start(port, Map.of());
    ApiClient api = awaitReady(port);
    String id = "restart-" + Instant.now().toEpochMilli();
    assertEquals(
        201,
        api.post(
                "/cases",
                "alice",
                "{\"id\":\""
                    + id
                    + "\",\"workflow\":\"due-diligence\",\"subject\":\"ACME\",\"data\":{\"riskLevel\":\"high\"}}")
            .status());
    assertEquals(200, api.post("/cases/" + id + "/actions/submit", "alice", null).status());
    assertEquals(
        200,
        api.post("/cases/" + id + "/actions/request_changes", "bob", "{\"comment\":\"more\"}")
            .status());
    assertEquals(200, api.post("/cases/" + id + "/actions/resubmit", "alice", null).status());
    Response last =
        api.post(
            "/cases/" + id + "/comments",
            "bob",
            "{\"text\":\"acknowledged just before the kill\"}");
    assertEquals(201, last.status(), last::toString);

    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    process = start(port, Map.of());
    api = awaitReady(port);

    Response after = api.get("/cases/" + id, "alice");
    assertEquals(200, after.status(), after::toString);
    assertEquals("in_review", after.json().get("state").asText());
    assertEquals(5, after.json().get("version").asInt());
    JsonNode history = api.get("/cases/" + id + "/history", "alice").json();
    assertEquals(5, history.size());
    assertEquals("acknowledged just before the kill", history.get(4).get("comment").asText());
    JsonNode verify = api.get("/cases/" + id + "/history/verify", "alice").json();
    assertTrue(verify.get("valid").asBoolean(), verify::toString);
    assertEquals(5, verify.get("events").asInt());
    assertEquals(200, api.post("/cases/" + id + "/actions/approve", "bob", null).status());
  }

  @Test
  void refusesToStartWithInvalidSettingAndNamesIt() throws Exception {
    process = start(freePort(), Map.of("CASEFLOW_HTTP_PORT", "eighty"));
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service must exit");
    assertEquals(2, process.exitValue());
    assertTrue(output().contains("caseflow.http.port"), this::output);
  }

  @Test
  void refusesToStartWithInvalidWorkflowAndNamesTheFile() throws Exception {
    Path workflows = Files.createDirectories(dataDir.resolve("workflows"));
    Files.writeString(
        workflows.resolve("broken.conf"),
        Files.readString(Path.of("conf/workflows/due-diligence.conf"))
            .replace("to = approved", "to = heaven"));
    process = start(freePort(), Map.of("CASEFLOW_WORKFLOWS_DIR", workflows.toString()));
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service must exit");
    assertEquals(2, process.exitValue());
    String output = output();
    assertTrue(output.contains("broken.conf"), output);
    assertTrue(output.contains("action 'approve' leads to unknown state 'heaven'"), output);
  }

  private Process start(int port, Map<String, String> environment) throws IOException {
    Path jar = Path.of(System.getProperty("fatJar", "target/caseflow.jar"));
    assertTrue(Files.isRegularFile(jar), "Build the jar first (mvn package): " + jar);
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dataDir.resolve("service.log").toFile()));
    builder.environment().put("CASEFLOW_HTTP_PORT", Integer.toString(port));
    builder.environment().put("CASEFLOW_HTTP_INTERFACE", "127.0.0.1");
    builder.environment().put("CASEFLOW_DATA_DIR", dataDir.toString());
    builder.environment().putAll(environment);
    return builder.start();
  }

  private ApiClient awaitReady(int port) throws InterruptedException {
    ApiClient api = new ApiClient("http://127.0.0.1:" + port);
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      assertTrue(process.isAlive(), this::output);
      try {
        if (api.get("/health/ready", null).status() == 200) {
          return api;
        }
      } catch (UncheckedIOException notYetListening) {
        // keep waiting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Not ready within " + START_TIMEOUT + ":\n" + output());
  }

  private String output() {
    try {
      return Files.readString(dataDir.resolve("service.log"));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
