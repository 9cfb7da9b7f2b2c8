package io.caseflow.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.cases.PersonalData;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.TestPostgres;
import io.caseflow.testing.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claimant's personal data erased on PostgreSQL, under the application role: every answer then
 * shows it erased, also after a restart and a rebuild of the read side; not one of its values is
 * left in clear anywhere in the database (a full {@code pg_dump}, searched); every chain still
 * verifies; and another claimant's data is as it was.
 */
class PersonalDataErasureIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** Jane's personal values, each of which must be gone from the database. */
  private static final List<String> JANE =
      List.of("Jane Doe", "Jane's flooded basement", "POL-JANE-77", "POL-JANE-78");

  @TempDir Path dumps;

  @Test
  void anErasedClaimantLeavesNothingInClearAndEveryChainVerifies() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    // one signing key for both runs of the node, as a deployment keeps it
    Map<String, Object> settings =
        Map.of(
            "caseflow.webhooks.allow-http",
            "true",
            "caseflow.webhooks.allowed-private-targets",
            List.of("127.0.0.1"),
            "caseflow.webhooks.max-attempts",
            1,
            "caseflow.audit.signing-key",
            RunningCaseflow.auditKey(dumps).toString());
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      // Deliveries fail, and wait as dead letters, until the claimant is erased.
      receiver.behave(WebhookReceiver.Behaviour.FAIL);
      try (RunningCaseflow node = RunningCaseflow.onPostgres(database, settings)) {
        ApiClient api = new ApiClient(node.baseUrl());
        assertEquals(
            201, api.post("/webhooks", "carol", "{\"url\":\"" + receiver.url() + "\"}").status());
        open(api, "claim-jane", "Jane Doe", "Jane's flooded basement", "POL-JANE-77");
        open(api, "claim-john", "John Roe", "John's burnt kitchen", "POL-JOHN-88");
        Response assessed =
            api.post(
                "/cases/claim-jane/actions/start_assessment",
                "grace",
                "{\"data\":{\"policyNumber\":\"POL-JANE-78\"}}");
        assertEquals(200, assessed.status(), assessed::toString);
        assertEquals("POL-JANE-78", assessed.json().get("data").get("policyNumber").asText());

        Eventually.until(
            "Jane's claim listed by her name",
            PATIENCE,
            () -> api.get("/cases?subject=Jane%20Doe", "frank").json().get("items"),
            items -> items.size() == 1 && items.get(0).get("version").asInt() == 2);
        JsonNode deadLetters =
            Eventually.until(
                "the three deliveries dead-lettered",
                PATIENCE,
                () -> api.get("/webhooks/dead-letters", "carol").json(),
                letters -> letters.size() == 3);

        Response erased = api.post("/admin/erasures", "carol", "{\"subject\":\"Jane Doe\"}");
        assertEquals(201, erased.status(), erased::toString);
        assertTrue(erased.json().get("keyExisted").asBoolean());
        assertFalse(erased.text().contains("Jane"), "recorded by reference, never in clear");
        assertEquals(
            403, api.post("/admin/erasures", "frank", "{\"subject\":\"John Roe\"}").status());

        assertErasedEverywhere(api, node);

        // Sent after the erasure, Jane's deliveries carry her values erased; John's, his.
        receiver.behave(WebhookReceiver.Behaviour.ACCEPT);
        for (JsonNode letter : deadLetters) {
          assertEquals(
              202,
              api.post(
                      "/webhooks/dead-letters/" + letter.get("id").asText() + "/redrive",
                      "carol",
                      null)
                  .status());
        }
        List<WebhookReceiver.Delivery> sent =
            Eventually.until(
                "the re-driven deliveries",
                PATIENCE,
                receiver::acceptedOnce,
                deliveries -> deliveries.size() == 3);
        for (WebhookReceiver.Delivery delivery : sent) {
          boolean isJane = delivery.eventId().contains("claim-jane");
          assertTrue(
              delivery.body().contains(isJane ? "\"policyNumber\":\"[erased]\"" : "POL-JOHN-88"),
              delivery::body);
          assertFalse(delivery.body().contains("POL-JANE"), delivery::body);
        }
        api.awaitReadSideIdle();
      }

      try (RunningCaseflow node = RunningCaseflow.onPostgres(database, settings)) {
        ApiClient api = new ApiClient(node.baseUrl());
        assertEquals(202, api.post("/admin/read-side/rebuild", "oscar", null).status());
        Eventually.until(
            "the read side rebuilt",
            PATIENCE,
            () -> api.get("/admin/read-side", "oscar").json().get("rebuild").get("phase").asText(),
            phase -> phase.equals("complete"));
        api.awaitReadSideIdle();
        assertErasedEverywhere(api, node);

        Response verified = api.post("/admin/audit/verify", "oscar", null);
        assertEquals(202, verified.status());
        JsonNode report =
            Eventually.until(
                "the journal verified",
                PATIENCE,
                () -> api.get("/admin/audit/verify", "oscar").json(),
                status -> status.get("status").asText().equals("complete"));
        assertTrue(report.get("valid").asBoolean(), report::toString);
      }
    }

    String dump = pgDump(database);
    assertTrue(dump.contains("pii:1:"), "the dump holds the sealed values: the search is real");
    assertTrue(dump.contains("claimAmount"), "and what is not personal, in clear");
    for (String value : JANE) {
      assertFalse(dump.contains(value), () -> "'" + value + "' is in the database in clear");
      String hex = HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
      assertFalse(dump.contains(hex), () -> "'" + value + "' is in a bytea column (journal)");
    }
  }

  private static void open(ApiClient api, String id, String claimant, String title, String policy) {
    Response opened =
        api.post(
            "/cases",
            "frank",
            ("{\"id\":\"%s\",\"workflow\":\"insurance-claim\",\"subject\":\"%s\",\"title\":\"%s\","
                    + "\"data\":{\"policyNumber\":\"%s\",\"claimAmount\":1200}}")
                .formatted(id, claimant, title, policy));
    assertEquals(201, opened.status(), opened::toString);
    assertEquals(claimant, opened.json().get("subject").asText(), "answered in clear");
  }

  /** Jane's values read erased in every answer; John's as they were; both chains verify. */
  private static void assertErasedEverywhere(ApiClient api, RunningCaseflow node) throws Exception {
    JsonNode jane = api.get("/cases/claim-jane", "frank").json();
    assertEquals(PersonalData.ERASED, jane.get("subject").asText(), jane::toString);
    assertEquals(PersonalData.ERASED, jane.get("title").asText());
    assertEquals(PersonalData.ERASED, jane.get("data").get("policyNumber").asText());
    assertEquals(1200, jane.get("data").get("claimAmount").asInt(), "not personal, kept");
    JsonNode john = api.get("/cases/claim-john", "frank").json();
    assertEquals("John Roe", john.get("subject").asText());
    assertEquals("POL-JOHN-88", john.get("data").get("policyNumber").asText());

    JsonNode history = api.get("/cases/claim-jane/history", "frank").json();
    assertEquals(PersonalData.ERASED, history.get(0).get("data").get("policyNumber").asText());
    assertEquals(PersonalData.ERASED, history.get(1).get("data").get("policyNumber").asText());

    JsonNode list =
        Eventually.until(
            "Jane's claim in the list",
            PATIENCE,
            () -> api.get("/cases?workflow=insurance-claim", "frank").json().get("items"),
            items -> items.size() == 2);
    for (JsonNode item : list) {
      boolean isJane = item.get("id").asText().equals("claim-jane");
      assertEquals(isJane ? PersonalData.ERASED : "John Roe", item.get("subject").asText());
    }

    try (SseStream stream =
        SseStream.open(node.baseUrl(), "/cases/claim-jane/events", "frank", Optional.empty())) {
      List<SseStream.Event> events = stream.await(2, PATIENCE);
      assertEquals(
          PersonalData.ERASED, events.get(0).data().get("data").get("policyNumber").asText());
    }
    for (String id : List.of("claim-jane", "claim-john")) {
      JsonNode verified = api.get("/cases/" + id + "/history/verify", "frank").json();
      assertTrue(verified.get("valid").asBoolean(), verified::toString);
    }
  }

  /** A full dump of the database, as its owner takes it with the server's own tools. */
  private String pgDump(TestPostgres.Database database) throws IOException, InterruptedException {
    URI url = URI.create(database.url().substring("jdbc:".length()));
    Path out = dumps.resolve("dump.sql");
    ProcessBuilder dump =
        new ProcessBuilder(
                "pg_dump",
                "--host=" + url.getHost(),
                "--port=" + url.getPort(),
                "--username=" + database.owner(),
                "--file=" + out,
                url.getPath().substring(1))
            .redirectErrorStream(true);
    dump.environment().put("PGPASSWORD", database.ownerPassword());
    Process process;
    try {
      process = dump.start();
    } catch (IOException missing) {
      throw new AssertionError(
          "This test searches a pg_dump of the database and needs PostgreSQL's client tools:"
              + " apt-get install postgresql-client (.ci/run does)",
          missing);
    }
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "pg_dump ends");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), () -> "pg_dump failed: " + output);
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
