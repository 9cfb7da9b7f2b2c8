package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.OpenApiContract;
import io.caseflow.testing.OpenApiContract.Operation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the OpenAPI document, called on a running node: each answer, successes and
 * refusals alike, must fit the document (status, content type, headers, body), and no operation may
 * go uncalled. {@code /openapi.json} serves that very document, and {@code /docs} Swagger UI opened
 * on it.
 */
class OpenApiConformanceIT {

  private static final String CASE = "oa-1";
  private static final String DUPLICATE = "oa-2";
  private static final String RISK = "{\"data\":{\"riskLevel\":\"low\"}}";

  @Test
  void everyOperationAnswersAsTheDocumentSays() throws Exception {
    try (RunningCaseflow node =
        RunningCaseflow.onH2(
            Map.of("caseflow.webhooks.allowed-private-targets", List.of("127.0.0.1/32")))) {
      ApiClient api = ApiClient.checkedAgainstTheDocument(node.baseUrl());
      OpenApiContract contract = OpenApiContract.get();
      Set<Operation> answered = new HashSet<>();

      expect(200, api.get("/health/alive", null));
      Eventually.awaitTrue(
          "the node ready (each not-ready answer checked against the document too)",
          Duration.ofSeconds(30),
          () -> api.get("/health/ready", null).status() == 200);
      Response document = expect(200, api.get("/openapi.json", null));
      assertEquals(contract.document(), new ObjectMapper().readTree(document.text()));
      expect(200, api.get("/workflows", "alice"));
      assertEquals(
          "[\"analyst\",\"reviewer\"]",
          expect(200, api.get("/me", "erin")).json().get("roles").toString());
      expect(401, api.get("/workflows", null));

      Response opened =
          expect(
              201,
              api.post(
                  "/cases",
                  "alice",
                  "{\"id\":\""
                      + CASE
                      + "\",\"workflow\":\"due-diligence\",\"subject\":\"OA Ltd\"}"));
      expect(
          409,
          api.post(
              "/cases",
              "alice",
              "{\"id\":\"" + CASE + "\",\"workflow\":\"due-diligence\",\"subject\":\"OA Ltd\"}"));
      expect(400, api.post("/cases", "alice", "{\"workflow\":"));
      expect(404, api.post("/cases", "alice", "{\"workflow\":\"nope\",\"subject\":\"S\"}"));
      Supplier<Response> openDuplicate =
          () ->
              api.request("POST", "/cases", "alice")
                  .header("Idempotency-Key", "oa-open-2")
                  .body(
                      "{\"id\":\""
                          + DUPLICATE
                          + "\",\"workflow\":\"due-diligence\",\"subject\":\"O.A. Limited\"}")
                  .send();
      expect(201, openDuplicate.get());
      Response replayed = expect(201, openDuplicate.get());
      assertEquals(Optional.of("true"), replayed.header("Idempotent-Replayed"));

      expect(200, api.get("/cases/" + CASE, "alice"));
      expect(404, api.get("/cases/no-such-case", "alice"));
      expect(
          200,
          api.get("/cases/" + CASE + "?asOf=" + opened.json().get("updatedAt").asText(), "alice"));
      expect(400, api.get("/cases/" + CASE + "?asOf=yesterday", "alice"));

      expect(422, api.post("/cases/" + CASE + "/actions/submit", "alice", "{}"));
      expect(404, api.post("/cases/" + CASE + "/actions/fly", "alice", "{}"));
      expect(
          412,
          api.request("POST", "/cases/" + CASE + "/actions/submit", "alice")
              .header("If-Match", "\"7\"")
              .body(RISK)
              .send());
      Response submitted =
          expect(
              200,
              api.request("POST", "/cases/" + CASE + "/actions/submit", "alice")
                  .header("If-Match", "\"1\"")
                  .body(RISK)
                  .send());
      expect(409, api.post("/cases/" + CASE + "/actions/submit", "alice", RISK));
      expect(403, api.post("/cases/" + CASE + "/actions/approve", "alice", "{}"));
      expect(200, api.post("/cases/" + CASE + "/assignee", "alice", "{\"assignee\":\"bob\"}"));
      expect(201, api.post("/cases/" + CASE + "/comments", "bob", "{\"text\":\"looks fine\"}"));
      expect(200, api.get("/cases/" + CASE + "/history", "alice"));
      expect(200, api.get("/cases/" + CASE + "/history/verify", "alice"));

      String token = submitted.header("Caseflow-Consistency").orElseThrow();
      expect(
          200,
          api.request("GET", "/cases?state=in_review&limit=10", "alice")
              .header("Caseflow-Consistency", token)
              .send());
      expect(400, api.get("/cases?limit=0", "alice"));
      expect(200, api.get("/stats?consistentWith=" + token, "alice"));

      answered.addAll(stream(contract, node, "/events", "alice"));
      answered.addAll(stream(contract, node, "/cases/" + CASE + "/events", "alice"));

      expect(200, api.post("/cases/" + DUPLICATE + "/actions/submit", "alice", RISK));
      Response merged =
          expect(
              200,
              api.post("/cases/" + DUPLICATE + "/merge", "bob", "{\"into\":\"" + CASE + "\"}"));
      expect(
          403, api.post("/cases/" + DUPLICATE + "/merge", "alice", "{\"into\":\"" + CASE + "\"}"));
      expect(200, api.get("/sagas/" + merged.json().get("id").asText(), "bob"));
      expect(404, api.get("/sagas/no-such-saga", "bob"));

      expect(200, api.get("/refusals?limit=5", "carol"));
      expect(403, api.get("/refusals", "alice"));

      expect(422, api.post("/webhooks", "carol", "{\"events\":[]}"));
      Response subscribed =
          expect(201, api.post("/webhooks", "carol", "{\"url\":\"http://127.0.0.1:9/hook\"}"));
      String webhook = subscribed.json().get("id").asText();
      expect(200, api.get("/webhooks", "carol"));
      expect(403, api.get("/webhooks", "alice"));
      expect(200, api.get("/webhooks/" + webhook, "carol"));
      expect(404, api.get("/webhooks/no-such-webhook", "carol"));
      expect(200, api.post("/webhooks/" + webhook + "/rotate-secret", "carol", null));
      expect(200, api.get("/webhooks/dead-letters", "carol"));
      expect(404, api.post("/webhooks/dead-letters/42/redrive", "carol", null));
      expect(204, api.request("DELETE", "/webhooks/" + webhook, "carol").send());

      expect(200, api.get("/admin/sagas", "oscar"));
      expect(403, api.get("/admin/sagas", "alice"));
      expect(200, api.get("/admin/read-side", "oscar"));
      expect(202, api.post("/admin/read-side/rebuild", "oscar", null));

      expect(200, api.get("/audit/public-key", null));
      long checkpoint =
          expect(200, api.post("/admin/audit/checkpoints", "oscar", null))
              .json()
              .get("number")
              .asLong();
      expect(403, api.post("/admin/audit/checkpoints", "carol", null));
      expect(200, api.get("/audit/checkpoints?limit=5", "carol"));
      expect(400, api.get("/audit/checkpoints?cursor=x", "oscar"));
      expect(403, api.get("/audit/checkpoints", "alice"));
      expect(200, api.get("/audit/checkpoints/" + checkpoint + "?caseId=" + CASE, "carol"));
      expect(200, api.get("/audit/checkpoints/" + checkpoint, "oscar"));
      expect(404, api.get("/audit/checkpoints/" + (checkpoint + 1), "carol"));
      expect(202, api.post("/admin/audit/verify", "oscar", null));
      expect(201, api.post("/admin/erasures", "carol", "{\"subject\":\"Jane Doe\"}"));
      expect(422, api.post("/admin/erasures", "carol", "{}"));
      expect(403, api.post("/admin/erasures", "oscar", "{\"subject\":\"Jane Doe\"}"));
      expect(200, api.get("/admin/erasures?limit=5", "carol"));

      expect(200, api.get("/cases/" + CASE + "/explain", "bob"));
      expect(404, api.get("/cases/no-such-case/explain", "bob"));
      expect(200, api.get("/inbox?limit=5&assignee=me", "bob"));
      expect(400, api.get("/inbox?assignee=carol", "bob"));
      String migration = "{\"workflow\":\"due-diligence\",\"fromVersion\":1,\"toVersion\":2";
      expect(200, api.post("/admin/migrations", "carol", migration + ",\"dryRun\":true}"));
      expect(422, api.post("/admin/migrations", "carol", "{\"fromVersion\":1}"));
      expect(403, api.post("/admin/migrations", "alice", migration + "}"));
      String migrating =
          expect(202, api.post("/admin/migrations", "carol", migration + "}"))
              .header("Location")
              .orElseThrow();
      expect(200, api.get(migrating, "carol"));
      expect(404, api.get("/admin/migrations/no-such-operation", "carol"));
      answered.addAll(stream(contract, node, migrating + "/events", "carol"));
      expect(200, api.post(migrating + "/cancel", "carol", null));
      String reassigning =
          expect(
                  202,
                  api.post(
                      "/admin/bulk/reassign",
                      "carol",
                      "{\"assignee\":\"bob\",\"filter\":{\"state\":\"in_review\"}}"))
              .header("Location")
              .orElseThrow();
      expect(200, api.get(reassigning, "carol"));
      answered.addAll(stream(contract, node, reassigning + "/events", "carol"));
      expect(200, api.post(reassigning + "/cancel", "carol", null));
      expect(422, api.post("/admin/bulk/reassign", "carol", "{}"));
      expect(404, api.get("/admin/bulk/no-such-operation", "carol"));
      Eventually.until(
          "the journal verified",
          Duration.ofSeconds(30),
          () -> expect(200, api.get("/admin/audit/verify", "oscar")),
          report -> report.json().get("status").asText().equals("complete"));

      Response docs = api.get("/docs/", null);
      assertEquals(200, docs.status(), docs::toString);
      assertTrue(docs.text().contains("swagger-ui"), "Swagger UI's page");
      Response initializer = api.get("/docs/swagger-initializer.js", null);
      assertTrue(initializer.text().contains("\"/openapi.json\""), initializer::toString);
      assertEquals(200, api.get("/docs/swagger-ui-bundle.js", null).status());
      assertEquals(
          401,
          api.get("/docs/..%2Fpom.properties", null).status(),
          "no other file of the classpath: the path falls through to the API, which wants a token");

      answered.addAll(api.operationsAnswered());
      Set<Operation> uncalled = new TreeSet<>(contract.operations());
      uncalled.removeAll(answered);
      assertEquals(Set.of(), uncalled, "operations of the document no test called");
    }
  }

  /** Opens a live stream and checks its answer against the document (headers; the body streams). */
  private static Set<Operation> stream(
      OpenApiContract contract, RunningCaseflow node, String path, String user) {
    try (SseStream stream = SseStream.open(node.baseUrl(), path, user, Optional.empty())) {
      return contract
          .check("GET", path, stream.status(), stream.headers().map(), "")
          .map(Set::of)
          .orElseThrow(() -> new AssertionError(path + " is not in the document"));
    }
  }

  private static Response expect(int status, Response response) {
    assertEquals(status, response.status(), response::toString);
    return response;
  }
}
