package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Jcmd;
import io.caseflow.testing.ServiceProcess;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service as a user runs it: {@code java -jar target/caseflow.jar}, as a separate
 * process, killed without warning and started again on the same data directory.
 */
class FatJarIT {

  @TempDir Path dataDir;

  @Test
  void sigkillLosesNoAcknowledgedChange() throws Exception {
    try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
      ApiClient api = service.start().awaitReady();
      String id = "restart-1";
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

      service.kill();
      api = service.start().awaitReady();

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
  }

  /**
   * A SIGTERM closes the embedded database before the JVM exits: H2 marks its file closed cleanly
   * in the store's header. (Closed only as a callback of the actor system's termination, the close
   * was cut short by the JVM's halt, and the mark was missing.)
   */
  @Test
  void sigtermClosesTheEmbeddedDatabaseBeforeTheJvmExits() throws Exception {
    try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
      ApiClient api = service.start().awaitReady();
      assertEquals(
          201, api.openCase("alice", "closed-1", "ACME", "{\"riskLevel\":\"low\"}").status());
      service.terminate();
      service.awaitExit(Duration.ofSeconds(60));
      byte[] header = new byte[4096];
      try (java.io.InputStream file = Files.newInputStream(dataDir.resolve("caseflow.mv.db"))) {
        assertEquals(header.length, file.readNBytes(header, 0, header.length));
      }
      String storeHeader =
          new String(header, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n", 2)[0];
      assertTrue(storeHeader.contains(",clean:1,"), "H2's store header: " + storeHeader);

      api = service.start().awaitReady();
      assertEquals(200, api.get("/cases/closed-1", "alice").status());
    }
  }

  /**
   * The management port serves from the start, before the API is bound: a readiness probe there
   * must not call the node ready while the API port is still closed.
   */
  @Test
  void managementReadyOnlyOnceTheApiServes() throws Exception {
    try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
      service.start();
      ApiClient management = new ApiClient(service.managementUrl());
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      boolean answered = false;
      while (!isReady(management)) {
        answered |= answers(management);
        assertTrue(Instant.now().isBefore(deadline), "/ready was not 200 within two minutes");
        Thread.sleep(10);
      }
      Response api = new ApiClient(service.baseUrl()).get("/health/ready", null);
      assertEquals(200, api.status(), api::toString);
      assertTrue(api.json().get("checks").get("apiServing").asBoolean(), api::toString);
      assertTrue(answered, "the management port answered only once the node was ready");
    }
  }

  private static boolean isReady(ApiClient management) {
    try {
      return management.get("/ready", null).status() == 200;
    } catch (UncheckedIOException notYetListening) {
      return false;
    }
  }

  private static boolean answers(ApiClient management) {
    try {
      management.get("/ready", null);
      return true;
    } catch (UncheckedIOException notYetListening) {
      return false;
    }
  }

  /**
   * Pekko's answers are Scala futures, which run every callback on CompletableFuture's default
   * pool; on two cores that pool would start a thread per callback unless Main sized it first.
   */
  @Test
  void commandsDoNotStartAThreadEach() throws Exception {
    try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
      ApiClient api = service.start().awaitReady();
      assertEquals(
          201, api.openCase("alice", "threads-1", "THREADS", "{\"riskLevel\":\"low\"}").status());
      long started = Jcmd.counter(service.pid(), "java.threads.started");
      int commands = 300;
      for (int i = 0; i < commands; i++) {
        assertEquals(
            201, api.post("/cases/threads-1/comments", "bob", "{\"text\":\"n\"}").status());
      }
      long more = Jcmd.counter(service.pid(), "java.threads.started") - started;
      assertTrue(more < commands / 3, more + " threads started for " + commands + " commands");
    }
  }

  @Test
  void refusesToStartWithInvalidSettingAndNamesIt() throws Exception {
    try (ServiceProcess service =
        new ServiceProcess(dataDir, Map.of("CASEFLOW_HTTP_PORT", "eighty")).start()) {
      assertEquals(2, service.awaitExit(Duration.ofSeconds(60)));
      assertTrue(service.output().contains("caseflow.http.port"), service::output);
    }
  }

  @Test
  void refusesToStartWithInvalidWorkflowAndNamesTheFile() throws Exception {
    Path workflows = Files.createDirectories(dataDir.resolve("workflows"));
    Files.writeString(
        workflows.resolve("broken.conf"),
        Files.readString(Path.of("conf/workflows/due-diligence.conf"))
            .replace("to = approved", "to = heaven"));
    try (ServiceProcess service =
        new ServiceProcess(dataDir, Map.of("CASEFLOW_WORKFLOWS_DIR", workflows.toString()))
            .start()) {
      assertEquals(2, service.awaitExit(Duration.ofSeconds(60)));
      String output = service.output();
      assertTrue(output.contains("broken.conf"), output);
      assertTrue(output.contains("action 'approve' leads to unknown state 'heaven'"), output);
    }
  }
}
