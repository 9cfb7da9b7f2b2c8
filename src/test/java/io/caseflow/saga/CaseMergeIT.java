package io.caseflow.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.cases.CaseId;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merging a duplicate case into a primary one, on PostgreSQL: the saga's steps and compensations
 * show in both cases' histories, whose hash chains verify, and in the read side; a refusal restores
 * the duplicate; a crash after the first step ends in a completed merge once the service is back.
 */
class CaseMergeIT {

  @TempDir Path dataDir;

  private TestPostgres.Database database;
  private RunningCaseflow node;
  private ApiClient api;

  @BeforeEach
  void start() {
    database = TestPostgres.newDatabase();
    node = RunningCaseflow.onPostgres(database);
    api = new ApiClient(node.baseUrl());
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void mergeClosesTheDuplicateAndRecordsItInThePrimary() throws Exception {
    String duplicate = submittedCase();
    String primary = submittedCase();

    Response merged = merge(duplicate, primary, "bob", null);

    assertEquals(200, merged.status(), merged::toString);
    JsonNode saga = merged.json();
    assertEquals("completed", saga.get("status").asText());
    assertEquals(
        List.of("merge_started", "merged_in", "merge_completed"), steps(saga.get("steps")));
    assertEquals(0, saga.get("compensations").size());

    JsonNode closed = api.get("/cases/" + duplicate, "alice").json();
    assertEquals("merged", closed.get("state").asText());
    assertEquals(primary, closed.get("mergedInto").asText());
    assertEquals(List.of("open", "submit", "merge_started", "merge_completed"), actions(duplicate));
    assertEquals(List.of("open", "submit", "merged_in"), actions(primary));
    JsonNode mergedIn = lastEvent(primary);
    assertEquals("merge_step", mergedIn.get("type").asText());
    assertEquals(duplicate, mergedIn.get("data").get("otherCaseId").asText());
    assertEquals(saga.get("id").asText(), mergedIn.get("data").get("sagaId").asText());

    Response act = api.post("/cases/" + duplicate + "/actions/approve", "bob", null);
    assertEquals("invalid_transition", act.code(), "a merged case takes no action");
    Response sameSubjectAgain =
        api.post(
            "/cases",
            "alice",
            "{\"workflow\":\"due-diligence\",\"subject\":\"" + subjectOf(duplicate) + "\"}");
    assertEquals(201, sameSubjectAgain.status(), "a merged case frees its subject");

    Response shown = api.get("/sagas/" + saga.get("id").asText(), "alice");
    assertEquals(saga, shown.json());
    assertEquals(404, api.get("/sagas/" + saga.get("id").asText(), "dave").status());
    assertAuditTrailsIntact(duplicate, primary, sameSubjectAgain.json().get("id").asText());
  }

  @Test
  void aRefusingPrimaryGetsTheDuplicateRestoredByACompensation() throws Exception {
    String duplicate = submittedCase();
    String closedPrimary = openedCase();
    assertEquals(
        200, api.post("/cases/" + closedPrimary + "/actions/withdraw", "alice", null).status());

    Response refused = merge(duplicate, closedPrimary, "bob", null);

    assertEquals(409, refused.status(), refused::toString);
    assertEquals("merge_refused", refused.code());
    assertEquals("merged_in", refused.json().get("step").asText());
    assertEquals("invalid_transition", refused.json().get("reason").asText());
    JsonNode saga = api.get("/sagas/" + refused.json().get("sagaId").asText(), "bob").json();
    assertEquals("compensated", saga.get("status").asText());
    assertEquals(List.of("merge_started", "merged_in"), steps(saga.get("steps")));
    assertEquals(List.of("merge_reverted"), steps(saga.get("compensations")));

    JsonNode restored = api.get("/cases/" + duplicate, "alice").json();
    assertEquals("in_review", restored.get("state").asText(), "restored, not deleted");
    assertTrue(restored.get("mergedInto").isNull());
    assertEquals(List.of("open", "submit", "merge_started", "merge_reverted"), actions(duplicate));
    assertEquals(List.of("open", "withdraw"), actions(closedPrimary), "the primary is untouched");
    assertEquals(200, api.post("/cases/" + duplicate + "/actions/approve", "bob", null).status());
    assertAuditTrailsIntact(duplicate, closedPrimary);
  }

  @Test
  void aConcurrentChangeOrAnotherTenantsPrimaryIsRefusedToo() throws Exception {
    String duplicate = submittedCase();
    String primary = submittedCase();
    Response stale = merge(duplicate, primary, "bob", 1L);
    assertEquals("merge_refused", stale.code(), stale::toString);
    assertEquals("version_conflict", stale.json().get("reason").asText());

    String globexCase = "globex-" + UUID.randomUUID();
    assertEquals(
        201,
        api.post(
                "/cases",
                "dave",
                "{\"id\":\"" + globexCase + "\",\"workflow\":\"due-diligence\",\"subject\":\"G\"}")
            .status());
    Response foreign = merge(duplicate, globexCase, "bob", null);
    assertEquals("merge_refused", foreign.code(), foreign::toString);
    assertEquals("case_not_found", foreign.json().get("reason").asText());
    assertEquals(
        List.of(
            "open", "submit", "merge_started", "merge_reverted", "merge_started", "merge_reverted"),
        actions(duplicate));
    assertEquals("in_review", api.get("/cases/" + duplicate, "alice").json().get("state").asText());

    assertEquals("forbidden", merge(duplicate, primary, "alice", null).code(), "analysts may not");
    assertEquals("case_not_found", merge("no-such-case", primary, "bob", null).code());
    assertEquals("invalid_field", merge(duplicate, duplicate, "bob", null).code());
    assertAuditTrailsIntact(duplicate, primary);
  }

  @Test
  void aRetriedMergeWithItsIdempotencyKeyFindsTheSameSaga() {
    String duplicate = submittedCase();
    String primary = submittedCase();
    String key = "merge-" + UUID.randomUUID();
    Response first = mergeWithKey(duplicate, primary, key);
    Response retried = mergeWithKey(duplicate, primary, key);
    assertEquals(200, retried.status(), retried::toString);
    assertEquals(first.json().get("id"), retried.json().get("id"));
    assertEquals(List.of("open", "submit", "merge_started", "merge_completed"), actions(duplicate));
    Response otherTarget = mergeWithKey(duplicate, submittedCase(), key);
    assertEquals("idempotency_key_reused", otherTarget.code(), otherTarget::toString);
  }

  /**
   * A primary that cannot write (its journal inserts refused) answers {@code unavailable}: the saga
   * keeps asking, the request answers 202, operators see the saga stuck, and once the primary can
   * write again the saga completes by itself.
   */
  @Test
  void aSagaThatCannotGoOnIsListedAsStuckAndFinishesOnceItCan() throws Exception {
    node.close();
    node =
        RunningCaseflow.onPostgres(
            database,
            java.util.Map.of(
                "caseflow.sagas.stuck-after", "2s", "caseflow.http.ask-timeout", "4s"));
    api = new ApiClient(node.baseUrl());
    String duplicate = submittedCase();
    String primary = submittedCase();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE FUNCTION refuse_primary() RETURNS trigger AS $$ BEGIN"
              + " IF NEW.persistence_id = 'Case|acme:"
              + primary
              + "' THEN RAISE EXCEPTION 'injected: the primary cannot write'; END IF;"
              + " RETURN NEW; END; $$ LANGUAGE plpgsql");
      statement.execute(
          "CREATE TRIGGER refuse_primary BEFORE INSERT ON event_journal"
              + " FOR EACH ROW EXECUTE FUNCTION refuse_primary()");
    }

    Response pending = merge(duplicate, primary, "bob", null);
    assertEquals(202, pending.status(), pending::toString);
    String location = pending.header("Location").orElseThrow();
    JsonNode stuck = awaitStuckSaga();
    assertEquals("MergeSaga|" + pending.json().get("id").asText(), stuck.get("sagaId").asText());
    assertEquals("running", stuck.get("status").asText());
    assertEquals("acme", stuck.get("tenant").asText());
    JsonNode running = api.get(location, "bob").json();
    assertEquals("running", running.get("status").asText());
    assertEquals(List.of("merge_started"), steps(running.get("steps")));
    assertEquals("merging", api.get("/cases/" + duplicate, "alice").json().get("state").asText());

    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TRIGGER refuse_primary ON event_journal");
    }
    awaitState(duplicate, "merged");
    assertEquals(
        "completed", awaitSagaFinished(pending.json().get("id").asText()).get("status").asText());
    assertEquals(List.of("open", "submit", "merged_in"), actions(primary));
    SubjectUniquenessIT.assertNoUnfinishedSagas(api);
    assertAuditTrailsIntact(duplicate, primary);
  }

  private JsonNode awaitStuckSaga() throws Exception {
    return Eventually.await(
        "a saga listed as stuck",
        Duration.ofSeconds(30),
        () -> {
          for (JsonNode saga : api.get("/admin/sagas", "oscar").json()) {
            if (saga.get("stuck").asBoolean()) {
              return Optional.of(saga);
            }
          }
          return Optional.empty();
        });
  }

  @Test
  void aCrashAfterTheFirstStepEndsInACompletedMergeAfterRestart() throws Exception {
    node.close();
    node = null;
    try (ServiceProcess service = ServiceProcess.onPostgres(dataDir, database)) {
      api = service.withJvmArg("-Dcaseflow.sagas.halt-after=merge-started").start().awaitReady();
      String duplicate = submittedCase();
      String primary = submittedCase();
      String key = "crash-" + UUID.randomUUID();
      try {
        Response response = mergeWithKey(duplicate, primary, key);
        throw new AssertionError("the service answered instead of halting: " + response);
      } catch (UncheckedIOException expected) {
        // halted right after the saga persisted its first step
      }
      assertEquals(137, service.awaitExit(Duration.ofSeconds(30)), service::output);

      api = service.withoutJvmArgs().start().awaitReady();
      // Only the cases are read until the merge is through: nothing here wakes the saga, the
      // recovery job must
      awaitState(duplicate, "merged");
      String sagaId = Sagas.mergeSagaId(new CaseId("acme", duplicate), key);
      JsonNode saga = awaitSagaFinished(sagaId);
      assertEquals("completed", saga.get("status").asText(), saga::toString);
      assertEquals("merged", api.get("/cases/" + duplicate, "alice").json().get("state").asText());
      assertEquals(List.of("open", "submit", "merged_in"), actions(primary));
      assertEquals(
          List.of("open", "submit", "merge_started", "merge_completed"), actions(duplicate));
      Response retried = mergeWithKey(duplicate, primary, key);
      assertEquals(200, retried.status(), "the client's retry finds the finished saga");
      assertAuditTrailsIntact(duplicate, primary);
      SubjectUniquenessIT.assertNoUnfinishedSagas(api);
    }
  }

  private void awaitState(String id, String state) throws Exception {
    Eventually.awaitTrue(
        id + " reaching " + state,
        Duration.ofSeconds(60),
        () -> state.equals(api.get("/cases/" + id, "alice").json().get("state").asText()));
  }

  private JsonNode awaitSagaFinished(String sagaId) throws Exception {
    return Eventually.await(
        "saga " + sagaId + " finishing",
        Duration.ofSeconds(60),
        () -> {
          Response saga = api.get("/sagas/" + sagaId, "bob");
          boolean finished =
              saga.status() == 200
                  && List.of("completed", "compensated")
                      .contains(saga.json().get("status").asText());
          return finished ? Optional.of(saga.json()) : Optional.empty();
        });
  }

  /** Both hash chains verify and the read side (audit log, transitions) holds every step. */
  private void assertAuditTrailsIntact(String... ids) throws Exception {
    for (String id : ids) {
      JsonNode verify = api.get("/cases/" + id + "/history/verify", "alice").json();
      assertTrue(verify.get("valid").asBoolean(), () -> id + ": " + verify);
    }
    new ReadSideExpectation(api, database, "alice", "acme")
        .awaitExact(List.of(ids), Duration.ofSeconds(30));
  }

  private Response merge(String duplicate, String primary, String user, Long intoVersion) {
    return api.post(
        "/cases/" + duplicate + "/merge",
        user,
        "{\"into\":\""
            + primary
            + "\""
            + (intoVersion == null ? "" : ",\"intoVersion\":" + intoVersion)
            + "}");
  }

  private Response mergeWithKey(String duplicate, String primary, String key) {
    return api.request("POST", "/cases/" + duplicate + "/merge", "bob")
        .header("Idempotency-Key", key)
        .body("{\"into\":\"" + primary + "\"}")
        .send();
  }

  private String openedCase() {
    String id = "m-" + UUID.randomUUID();
    Response opened =
        api.post(
            "/cases",
            "alice",
            "{\"id\":\""
                + id
                + "\",\"workflow\":\"due-diligence\",\"subject\":\""
                + subjectOf(id)
                + "\",\"data\":{\"riskLevel\":\"low\"}}");
    assertEquals(201, opened.status(), opened::toString);
    return id;
  }

  private String submittedCase() {
    String id = openedCase();
    assertEquals(200, api.post("/cases/" + id + "/actions/submit", "alice", null).status());
    return id;
  }

  private static String subjectOf(String id) {
    return "Subject of " + id;
  }

  private List<String> actions(String id) {
    List<String> actions = new ArrayList<>();
    api.get("/cases/" + id + "/history", "alice")
        .json()
        .forEach(event -> actions.add(event.get("action").asText()));
    return actions;
  }

  private JsonNode lastEvent(String id) {
    JsonNode history = api.get("/cases/" + id + "/history", "alice").json();
    return history.get(history.size() - 1);
  }

  private static List<String> steps(JsonNode records) {
    List<String> steps = new ArrayList<>();
    records.forEach(record -> steps.add(record.get("step").asText()));
    return steps;
  }
}
