package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RestartablePostgres;
import io.caseflow.testing.RunningCaseflow;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * With the database gone, commands are answered {@code 503 unavailable}, never with a false
 * success; once it is back, the same request retried with its idempotency key lands exactly once,
 * and the node is ready again by itself.
 */
class StorageOutageIT {

  /** HikariCP retries a connection with a backoff of up to 5 s once the database is back. */
  private static final Duration READY_AGAIN = Duration.ofSeconds(15);

  @Test
  void outageAnswersUnavailableAndRetryLandsExactlyOnce() throws Exception {
    try (RestartablePostgres postgres = new RestartablePostgres();
        RunningCaseflow node = RunningCaseflow.onPostgres(postgres.database())) {
      ApiClient api = new ApiClient(node.baseUrl());
      String body =
          "{\"id\":\"outage-1\",\"workflow\":\"due-diligence\",\"subject\":\"S\",\"data\":{\"riskLevel\":\"low\"}}";
      assertEquals(201, api.post("/cases", "alice", body).status());
      assertEquals(200, api.post("/cases/outage-1/actions/submit", "alice", null).status());
      Supplier<Response> requestChanges =
          () ->
              api.request("POST", "/cases/outage-1/actions/request_changes", "bob")
                  .header("Idempotency-Key", "rc-1")
                  .body("{\"comment\":\"need the register extract\"}")
                  .send();

      postgres.stop();
      Response duringOutage = requestChanges.get();
      assertEquals(503, duringOutage.status(), duringOutage::toString);
      assertEquals("unavailable", duringOutage.code());
      Response notReady = api.get("/health/ready", null);
      assertEquals(503, notReady.status());
      assertEquals(false, notReady.json().get("checks").get("database").asBoolean());
      ApiClient management = new ApiClient(node.managementUrl());
      assertEquals(500, management.get("/ready", null).status(), "management agrees: not ready");
      assertEquals(200, management.get("/alive", null).status(), "alive: no restart needed");

      postgres.start();
      Response retried = retryUntilAnswered(requestChanges, Duration.ofSeconds(60));
      assertEquals(200, retried.status(), retried::toString);
      // the service's own pool may still be waiting out its reconnection backoff (at most 5 s)
      Eventually.awaitTrue(
          "ready again", READY_AGAIN, () -> api.get("/health/ready", null).status() == 200);
      assertEquals(200, management.get("/ready", null).status());
      assertEquals("changes_requested", retried.json().get("state").asText());

      var history = api.get("/cases/outage-1/history", "bob").json();
      long requests =
          StreamSupport.stream(history.spliterator(), false)
              .filter(event -> "request_changes".equals(event.get("action").asText()))
              .count();
      assertEquals(1, requests, history::toString);
      assertEquals(3, history.size());
      assertEquals(
          true, api.get("/cases/outage-1/history/verify", "bob").json().get("valid").asBoolean());
    }
  }

  private static Response retryUntilAnswered(Supplier<Response> request, Duration patience)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(patience);
    Response response = request.get();
    while (response.status() == 503 && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      response = request.get();
    }
    return response;
  }
}
