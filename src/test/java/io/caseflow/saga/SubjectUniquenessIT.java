package io.caseflow.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One open case per subject (due-diligence declares it), on PostgreSQL: concurrent opens for one
 * subject let exactly one through; a closed case frees its subject; a crash between the claim and
 * the open leaves the subject open with that case once the service is back, never claimed by a case
 * that does not exist.
 */
class SubjectUniquenessIT {

  private static final int OPENS = 50;

  @TempDir Path dataDir;

  @Test
  void concurrentOpensForOneSubjectLetExactlyOneThrough() throws Exception {
    try (RunningCaseflow node = RunningCaseflow.onPostgres(TestPostgres.newDatabase())) {
      ApiClient api = new ApiClient(node.baseUrl());
      String body = "{\"workflow\":\"due-diligence\",\"subject\":\"ACME Holdings\"}";
      ExecutorService clients = Executors.newFixedThreadPool(OPENS);
      List<Future<Response>> answers = new ArrayList<>();
      try {
        for (int i = 0; i < OPENS; i++) {
          Callable<Response> open = () -> api.post("/cases", "alice", body);
          answers.add(clients.submit(open));
        }
        List<Response> created = new ArrayList<>();
        List<Response> refused = new ArrayList<>();
        for (Future<Response> answer : answers) {
          Response response = answer.get();
          (response.status() == 201 ? created : refused).add(response);
        }
        assertEquals(1, created.size(), () -> "created: " + created);
        String openCase = created.get(0).json().get("id").asText();
        assertEquals(OPENS - 1, refused.size());
        for (Response response : refused) {
          assertEquals(409, response.status(), response::toString);
          assertEquals("subject_already_open", response.code(), response::toString);
          assertEquals(openCase, response.json().get("openCaseId").asText());
        }

        // Closing the case frees the subject; the next open gets it.
        assertEquals(
            200, api.post("/cases/" + openCase + "/actions/withdraw", "alice", null).status());
        Response next = api.post("/cases", "alice", body);
        assertEquals(201, next.status(), next::toString);
        Response again = api.post("/cases", "alice", body);
        assertEquals("subject_already_open", again.code());
        assertEquals(next.json().get("id").asText(), again.json().get("openCaseId").asText());
      } finally {
        clients.shutdownNow();
      }
      // Another tenant's subject of the same name is another subject.
      assertEquals(201, api.post("/cases", "dave", body).status());
    }
  }

  @Test
  void aCrashBetweenClaimAndOpenEndsWithTheSubjectOpenWithThatCase() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (ServiceProcess service = ServiceProcess.onPostgres(dataDir, database)) {
      ApiClient api =
          service.withJvmArg("-Dcaseflow.sagas.halt-after=subject-claimed").start().awaitReady();
      String open =
          "{\"id\":\"claimed-1\",\"workflow\":\"due-diligence\",\"subject\":\"Globex Trading\"}";
      try {
        Response response = api.post("/cases", "alice", open);
        throw new AssertionError("the service answered instead of halting: " + response);
      } catch (UncheckedIOException expected) {
        // the process halted after persisting the claim, before opening the case
      }
      assertEquals(137, service.awaitExit(Duration.ofSeconds(30)), service::output);
      assertTrue(service.output().contains("halting after subject-claimed"), service::output);

      api = service.withoutJvmArgs().start().awaitReady();
      Response opened = awaitStatus(api, "/cases/claimed-1", 200, Duration.ofSeconds(60));
      assertEquals("draft", opened.json().get("state").asText());
      assertEquals("Globex Trading", opened.json().get("subject").asText());
      Response second =
          api.post(
              "/cases",
              "alice",
              "{\"id\":\"claimed-2\",\"workflow\":\"due-diligence\",\"subject\":\"Globex Trading\"}");
      assertEquals("subject_already_open", second.code(), second::toString);
      assertEquals("claimed-1", second.json().get("openCaseId").asText());
      Response retried = api.post("/cases", "alice", open);
      assertEquals("case_already_exists", retried.code(), "the original request, retried");
      assertNoUnfinishedSagas(api);
    }
  }

  static Response awaitStatus(ApiClient api, String path, int status, Duration patience)
      throws Exception {
    return Eventually.until(
        "GET " + path + " answering " + status,
        patience,
        () -> api.get(path, "alice"),
        response -> response.status() == status);
  }

  /** Every saga finished: the saga status projection lists none running or compensating. */
  static void assertNoUnfinishedSagas(ApiClient api) throws Exception {
    Eventually.until(
        "every saga finished (GET /admin/sagas lists none)",
        Duration.ofSeconds(30),
        () -> api.get("/admin/sagas", "oscar").json(),
        unfinished -> unfinished.size() == 0);
  }
}
