package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caseflow.app.BuildVersion;
import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.HashChain;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.JournalTampering;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP contract (README, "HTTP API"), run against a real server on a real database. Subclasses
 * choose the database; every use case below runs on each. Every answer is checked against the
 * OpenAPI document ({@link ApiClient#checkedAgainstTheDocument}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CaseApiContract {

  private RunningCaseflow node;
  ApiClient api;

  /** Starts the node on this database with {@code settings} over the defaults. */
  abstract RunningCaseflow startNode(Map<String, Object> settings);

  @BeforeAll
  void start() {
    node = startNode(CrossTenantIsolation.nodeSettings());
    api = ApiClient.checkedAgainstTheDocument(node.baseUrl());
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  static String newId() {
    return "case-" + UUID.randomUUID();
  }

  Response open(String id, String user, String data) {
    return open(id, subjectOf(id), user, data);
  }

  Response open(String id, String subject, String user, String data) {
    return api.post(
        "/cases",
        user,
        "{\"id\":\""
            + id
            + "\",\"workflow\":\"due-diligence\",\"subject\":\""
            + subject
            + "\",\"title\":\"Acme Ltd onboarding\",\"data\":"
            + data
            + "}");
  }

  /** Each case its own subject: due-diligence allows one open case per subject. */
  static String subjectOf(String id) {
    return "ACME-" + id;
  }

  Response act(String id, String action, String user) {
    return api.post("/cases/" + id + "/actions/" + action, user, null);
  }

  String submitted() {
    String id = newId();
    assertEquals(201, open(id, "alice", "{\"riskLevel\":\"high\"}").status());
    assertEquals(200, act(id, "submit", "alice").status());
    return id;
  }

  static String token(Response response) {
    return response.header("Caseflow-Consistency").orElseThrow();
  }

  /** Waits until the read side holds the write that answered {@code response}. */
  void awaitRead(Response response) {
    Response waited = api.get("/stats?consistentWith=" + token(response), "alice");
    assertEquals(200, waited.status(), waited::toString);
  }

  int historySize(String id) {
    return api.get("/cases/" + id + "/history", "alice").json().size();
  }

  static void assertProblem(Response response, int status, String code) {
    assertEquals(status, response.status(), response::toString);
    assertEquals(code, response.code(), response::toString);
    assertEquals(
        "application/problem+json", response.header("Content-Type").orElse(""), response::toString);
  }

  @Nested
  class OpeningACase {

    @Test
    void opensCaseWithLocationAndETag() {
      String id = newId();
      Response response = open(id, "alice", "{\"riskLevel\":\"high\"}");

      assertEquals(201, response.status(), response::toString);
      assertEquals("/cases/" + id, response.header("Location").orElseThrow());
      assertEquals("\"1\"", response.header("ETag").orElseThrow());
      JsonNode body = response.json();
      assertEquals(id, body.get("id").asText());
      assertEquals("acme", body.get("tenant").asText());
      assertEquals("due-diligence", body.get("workflow").asText());
      assertEquals(2, body.get("workflowVersion").asInt(), "a new case follows the newest version");
      assertEquals("draft", body.get("state").asText());
      assertEquals(1, body.get("version").asInt());
      assertTrue(body.get("assignee").isNull());
      assertEquals("high", body.get("data").get("riskLevel").asText());
    }

    @Test
    void generatesIdWhenNoneIsGiven() {
      Response response =
          api.post("/cases", "alice", "{\"workflow\":\"insurance-claim\",\"subject\":\"P-1\"}");
      assertEquals(403, response.status(), "alice is no claimant agent: " + response);

      Response claim =
          api.post("/cases", "frank", "{\"workflow\":\"insurance-claim\",\"subject\":\"P-1\"}");
      assertEquals(201, claim.status(), claim::toString);
      String id = claim.json().get("id").asText();
      assertEquals(200, api.get("/cases/" + id, "frank").status());
    }

    @Test
    void retriedOpenWithIdempotencyKeyReturnsTheSameCase() {
      String body = "{\"workflow\":\"due-diligence\",\"subject\":\"S-" + UUID.randomUUID() + "\"}";
      String key = "open-" + UUID.randomUUID();
      Response first =
          api.request("POST", "/cases", "alice").header("Idempotency-Key", key).body(body).send();
      Response retry =
          api.request("POST", "/cases", "alice").header("Idempotency-Key", key).body(body).send();

      assertEquals(201, first.status(), first::toString);
      assertEquals(201, retry.status(), retry::toString);
      assertEquals(first.json().get("id"), retry.json().get("id"));
      assertEquals("true", retry.header("Idempotent-Replayed").orElseThrow());
      String id = first.json().get("id").asText();
      assertEquals(1, api.get("/cases/" + id + "/history", "alice").json().size());
    }

    @Test
    void rejectsTakenId() {
      String id = newId();
      open(id, "alice", "{}");
      assertProblem(open(id, "alice", "{}"), 409, "case_already_exists");
    }

    @Test
    void rejectsUnknownWorkflow() {
      Response response = api.post("/cases", "alice", "{\"workflow\":\"nope\",\"subject\":\"S\"}");
      assertProblem(response, 404, "unknown_workflow");
    }

    @Test
    void rejectsMissingSubject() {
      Response response = api.post("/cases", "alice", "{\"workflow\":\"due-diligence\"}");
      assertProblem(response, 422, "missing_field");
      assertEquals("subject", response.json().get("field").asText());
    }

    @Test
    void rejectsInvalidDataValue() {
      assertProblem(open(newId(), "alice", "{\"riskLevel\":\"extreme\"}"), 422, "invalid_field");
      assertProblem(open("bad id!", "alice", "{}"), 422, "invalid_field");
    }
  }

  @Nested
  class PerformingActions {

    @Test
    void takesCaseFromDraftToApproved() {
      String id = submitted();
      Response approved =
          api.request("POST", "/cases/" + id + "/actions/approve", "bob")
              .header("If-Match", "\"2\"")
              .body("{\"comment\":\"All checks passed\"}")
              .send();

      assertEquals(200, approved.status(), approved::toString);
      assertEquals("approved", approved.json().get("state").asText());
      assertEquals("\"3\"", approved.header("ETag").orElseThrow());
      Response current = api.get("/cases/" + id, "bob");
      assertEquals("approved", current.json().get("state").asText());
      assertEquals("\"3\"", current.header("ETag").orElseThrow());
    }

    @Test
    void rejectsActionNotAllowedInState() {
      String id = newId();
      open(id, "alice", "{\"riskLevel\":\"low\"}");
      Response response = act(id, "approve", "bob");
      assertProblem(response, 409, "invalid_transition");
      assertEquals("draft", response.json().get("state").asText());
      assertEquals("approve", response.json().get("action").asText());
      assertEquals(id, response.json().get("caseId").asText());
    }

    @Test
    void rejectsUnknownAction() {
      String id = newId();
      open(id, "alice", "{}");
      assertProblem(act(id, "teleport", "alice"), 404, "unknown_action");
    }

    @Test
    void rejectsRoleNotAllowed() {
      String id = newId();
      open(id, "alice", "{\"riskLevel\":\"low\"}");
      assertProblem(act(id, "submit", "bob"), 403, "forbidden");
    }

    @Test
    void rejectsApproveByTheSubmitter() {
      String id = newId();
      assertEquals(201, open(id, "erin", "{\"riskLevel\":\"low\"}").status());
      assertEquals(200, act(id, "submit", "erin").status());
      assertProblem(act(id, "approve", "erin"), 403, "four_eyes_violation");
    }

    @Test
    void rejectsMissingRequiredData() {
      String id = newId();
      open(id, "alice", "{}");
      Response response = act(id, "submit", "alice");
      assertProblem(response, 422, "missing_field");
      assertEquals("riskLevel", response.json().get("field").asText());
    }

    @Test
    void rejectsStaleIfMatch() {
      String id = submitted();
      Response response =
          api.request("POST", "/cases/" + id + "/actions/approve", "bob")
              .header("If-Match", "\"1\"")
              .send();
      assertProblem(response, 412, "version_conflict");
      assertEquals("in_review", api.get("/cases/" + id, "bob").json().get("state").asText());
    }

    @Test
    void retriedActionIsAnsweredWithTheOriginalOutcomeAndWritesNothing() {
      String id = submitted();
      String key = "rc-" + UUID.randomUUID();
      String body = "{\"comment\":\"add the register extract\"}";
      Response first =
          api.request("POST", "/cases/" + id + "/actions/request_changes", "bob")
              .header("Idempotency-Key", key)
              .body(body)
              .send();
      assertEquals(200, act(id, "resubmit", "alice").status());
      Response retry =
          api.request("POST", "/cases/" + id + "/actions/request_changes", "bob")
              .header("Idempotency-Key", key)
              .body(body)
              .send();

      assertEquals(200, retry.status(), retry::toString);
      assertEquals(first.text(), retry.text(), "the original outcome, not the current state");
      assertEquals("\"3\"", retry.header("ETag").orElseThrow());
      assertEquals(4, api.get("/cases/" + id + "/history", "bob").json().size());

      Response reused =
          api.request("POST", "/cases/" + id + "/actions/request_changes", "bob")
              .header("Idempotency-Key", key)
              .body("{\"comment\":\"something else\"}")
              .send();
      assertProblem(reused, 422, "idempotency_key_reused");
    }

    private Response withKey(String id, String action, String user, String key) {
      return api.request("POST", "/cases/" + id + "/actions/" + action, user)
          .header("Idempotency-Key", key)
          .send();
    }

    @Test
    void refusedActionRetriedWithItsKeyIsDecidedAfreshAgainstTheCurrentState() {
      String id = newId();
      assertEquals(201, open(id, "alice", "{\"riskLevel\":\"high\"}").status());
      String key = "approve-" + UUID.randomUUID();
      assertProblem(withKey(id, "approve", "bob", key), 409, "invalid_transition");
      assertEquals(1, historySize(id), "a refusal writes nothing");
      assertEquals(200, act(id, "submit", "alice").status());

      Response accepted = withKey(id, "approve", "bob", key);
      assertEquals(200, accepted.status(), accepted::toString);
      assertTrue(accepted.header("Idempotent-Replayed").isEmpty(), accepted::toString);
      assertEquals("approved", accepted.json().get("state").asText());
      assertEquals("\"3\"", accepted.header("ETag").orElseThrow());

      Response replayed = withKey(id, "approve", "bob", key);
      assertEquals(200, replayed.status(), replayed::toString);
      assertEquals("true", replayed.header("Idempotent-Replayed").orElseThrow());
      assertEquals(accepted.text(), replayed.text());
      assertEquals("\"3\"", replayed.header("ETag").orElseThrow());
      assertEquals(3, historySize(id), "the replay writes nothing");
    }

    @Test
    void keyOfARefusedActionIsFreeForADifferentAction() {
      String id = newId();
      assertEquals(201, open(id, "alice", "{\"riskLevel\":\"low\"}").status());
      String key = "k-" + UUID.randomUUID();
      assertProblem(withKey(id, "approve", "bob", key), 409, "invalid_transition");

      Response submitted = withKey(id, "submit", "alice", key);
      assertEquals(200, submitted.status(), submitted::toString);
      assertTrue(submitted.header("Idempotent-Replayed").isEmpty(), submitted::toString);
      assertEquals("in_review", submitted.json().get("state").asText());

      // accepted, the key is bound to the submit: the approve under it is now another request
      assertProblem(withKey(id, "approve", "bob", key), 422, "idempotency_key_reused");
      assertEquals(2, historySize(id));
    }

    @Test
    void assignsUnassignsAndComments() {
      String id = newId();
      open(id, "alice", "{}");
      Response assigned = api.post("/cases/" + id + "/assignee", "carol", "{\"assignee\":\"bob\"}");
      assertEquals(200, assigned.status(), assigned::toString);
      assertEquals("bob", assigned.json().get("assignee").asText());
      Response unassigned = api.post("/cases/" + id + "/assignee", "carol", "{\"assignee\":null}");
      assertTrue(unassigned.json().get("assignee").isNull());
      Response commented =
          api.post("/cases/" + id + "/comments", "bob", "{\"text\":\"Looks fine\"}");
      assertEquals(201, commented.status(), commented::toString);
      assertEquals(4, commented.json().get("version").asInt());
      assertProblem(
          api.post("/cases/" + id + "/assignee", "carol", "{}"), 400, "malformed_request");
    }
  }

  @Nested
  class ReadingACase {

    @Test
    void historyListsEveryEventWithItsHashChain() {
      String id = submitted();
      api.post("/cases/" + id + "/actions/request_changes", "bob", "{\"comment\":\"more\"}");
      JsonNode history = api.get("/cases/" + id + "/history", "alice").json();

      assertEquals(3, history.size());
      JsonNode change = history.get(2);
      assertEquals(3, change.get("seq").asInt());
      assertEquals("action_performed", change.get("type").asText());
      assertEquals("bob", change.get("actor").asText());
      assertEquals("in_review", change.get("from").asText());
      assertEquals("changes_requested", change.get("to").asText());
      assertEquals("request_changes", change.get("action").asText());
      assertEquals("more", change.get("comment").asText());
      assertEquals(history.get(1).get("hash"), change.get("prevHash"));
      assertEquals("0".repeat(64), history.get(0).get("prevHash").asText());

      JsonNode verify = api.get("/cases/" + id + "/history/verify", "alice").json();
      assertTrue(verify.get("valid").asBoolean());
      assertEquals(3, verify.get("events").asInt());
    }

    @Test
    void showsCaseAsItWasAtAnEarlierInstant() throws InterruptedException {
      String id = newId();
      open(id, "alice", "{\"riskLevel\":\"low\"}");
      Thread.sleep(20);
      Instant between = Instant.now();
      Thread.sleep(20);
      act(id, "submit", "alice");

      Response then = api.get("/cases/" + id + "?asOf=" + between, "alice");
      assertEquals(200, then.status(), then::toString);
      assertEquals("draft", then.json().get("state").asText());
      assertEquals("\"1\"", then.header("ETag").orElseThrow());
      assertEquals("in_review", api.get("/cases/" + id, "alice").json().get("state").asText());
      assertProblem(
          api.get("/cases/" + id + "?asOf=2000-01-01T00:00:00Z", "alice"), 404, "case_not_found");
      assertProblem(api.get("/cases/" + id + "?asOf=yesterday", "alice"), 400, "malformed_request");
    }

    @Test
    void unknownCaseIsNotFound() {
      assertProblem(api.get("/cases/" + newId(), "alice"), 404, "case_not_found");
      assertProblem(api.get("/cases/" + newId() + "/history", "alice"), 404, "case_not_found");
    }

    @Test
    void listsWorkflowDefinitions() {
      JsonNode workflows = api.get("/workflows", "alice").json();
      JsonNode dueDiligence = workflows.get(0);
      assertEquals("due-diligence", dueDiligence.get("name").asText());
      assertEquals(1, dueDiligence.get("version").asInt());
      assertEquals("draft", dueDiligence.get("initialState").asText());
      assertEquals("submit", dueDiligence.get("actions").get(0).get("name").asText());
      assertEquals(0, dueDiligence.get("deadlines").size());
      JsonNode second = workflows.get(1);
      assertEquals(2, second.get("version").asInt());
      assertEquals(
          "[{\"state\":\"in_review\",\"after\":\"PT72H\",\"action\":\"escalate\"}]",
          second.get("deadlines").toString());
      assertEquals("{\"field\":\"dueAt\",\"action\":\"escalate\"}", second.get("due").toString());
      assertEquals(1, second.get("migrations").get(0).get("fromVersion").asInt());
      assertEquals("insurance-claim", workflows.get(2).get("name").asText());
    }
  }

  /**
   * History rewritten behind the service's back, by the schema's owner (who may turn the journal's
   * and the audit log's append-only triggers off): every rewrite is reported, by the case's own
   * verification and by the whole journal's, naming the case and the first sequence number broken.
   */
  /**
   * Why a case is where it is, and the work inbox (README, "What can I act on? Why is it here?").
   */
  @Nested
  class InboxAndExplanation {

    private Map<String, JsonNode> verdicts(String id, String user) {
      Response explained = api.get("/cases/" + id + "/explain", user);
      assertEquals(200, explained.status(), explained::toString);
      Map<String, JsonNode> verdicts = new HashMap<>();
      explained.json().get("actions").forEach(v -> verdicts.put(v.get("action").asText(), v));
      return verdicts;
    }

    private static String codeOf(Map<String, JsonNode> verdicts, String action) {
      JsonNode verdict = verdicts.get(action);
      return verdict.get("allowed").asBoolean() ? "allowed" : verdict.get("code").asText();
    }

    @Test
    void explainsTheEventThatBroughtTheCaseAndJudgesEveryActionAsTheCaseWould() {
      String id = submitted();
      assertEquals(
          201, api.post("/cases/" + id + "/comments", "bob", "{\"text\":\"looking\"}").status());
      JsonNode explained = api.get("/cases/" + id + "/explain", "bob").json();
      assertEquals("in_review", explained.get("state").asText());
      assertEquals(3, explained.get("version").asInt(), "a comment came after the submission");
      JsonNode arrived = explained.get("arrived");
      assertEquals(2, arrived.get("seq").asInt());
      assertEquals("alice", arrived.get("actor").asText());
      assertEquals("submit", arrived.get("action").asText());
      assertEquals("draft", arrived.get("from").asText());
      assertEquals(2, arrived.get("rule").get("workflowVersion").asInt());
      assertEquals("[\"analyst\"]", arrived.get("rule").get("roles").toString());
      JsonNode deadline = explained.get("deadlines").get(0);
      assertEquals("escalate", deadline.get("action").asText());
      assertEquals(
          Instant.parse(arrived.get("at").asText()).plus(Duration.ofHours(72)),
          Instant.parse(deadline.get("dueAt").asText()));

      Map<String, JsonNode> bobs = verdicts(id, "bob");
      assertEquals("allowed", codeOf(bobs, "approve"));
      assertEquals("missing_field", codeOf(bobs, "reject"), "a reject needs a comment");
      assertEquals("invalid_transition", codeOf(bobs, "submit"));
      assertEquals("deadline_pending", codeOf(bobs, "escalate"));
      assertEquals("forbidden", codeOf(verdicts(id, "alice"), "approve"));
      assertEquals(
          "deadline_pending",
          act(id, "escalate", "bob").code(),
          "the explanation gives the code the command gets");

      String own = newId();
      assertEquals(201, open(own, "erin", "{\"riskLevel\":\"low\"}").status());
      assertEquals(200, act(own, "submit", "erin").status());
      Map<String, JsonNode> erins = verdicts(own, "erin");
      assertEquals("four_eyes_violation", codeOf(erins, "approve"));
      assertEquals("four_eyes_violation", act(own, "approve", "erin").code());
      assertEquals(404, api.get("/cases/no-such-case/explain", "bob").status());
    }

    /** Every page of the user's inbox (optionally assigned to them), as id -> actions. */
    private Map<String, List<String>> inbox(String user, String query) {
      Map<String, List<String>> items = new LinkedHashMap<>();
      String cursor = null;
      do {
        Response page =
            api.get("/inbox?limit=50" + query + (cursor == null ? "" : "&cursor=" + cursor), user);
        assertEquals(200, page.status(), page::toString);
        page.json()
            .get("items")
            .forEach(
                item -> {
                  List<String> actions = new ArrayList<>();
                  item.get("actions").forEach(action -> actions.add(action.asText()));
                  assertTrue(items.put(item.get("id").asText(), actions) == null, "listed twice");
                });
        cursor =
            page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
      } while (cursor != null);
      return items;
    }

    @Test
    void theInboxListsWhatEachUserCanActOnNowWithThoseActions() {
      String submitted = submitted();
      String byErin = newId();
      assertEquals(201, open(byErin, "erin", "{\"riskLevel\":\"low\"}").status());
      Response last = act(byErin, "submit", "erin");
      assertEquals(200, last.status());
      Response assigned =
          api.post("/cases/" + submitted + "/assignee", "bob", "{\"assignee\":\"bob\"}");
      assertEquals(200, assigned.status(), assigned::toString);
      awaitRead(assigned);
      awaitRead(last); // another case: it may be in another slice of the read side

      Map<String, List<String>> bobs = inbox("bob", "");
      assertEquals(
          List.of("request_changes", "approve", "reject"), bobs.get(submitted), bobs::toString);
      assertTrue(bobs.containsKey(byErin));
      Map<String, List<String>> erins = inbox("erin", "");
      assertEquals(
          List.of("request_changes"),
          erins.get(byErin),
          "erin may not approve or reject what she submitted");
      Map<String, List<String>> alices = inbox("alice", "");
      assertFalse(alices.containsKey(submitted), "in review, nothing is alice's to do");
      assertTrue(
          alices.values().stream()
              .allMatch(
                  actions ->
                      actions.contains("submit")
                          || actions.contains("resubmit")
                          || actions.contains("close")),
          alices::toString);

      Map<String, List<String>> bobsOwn = inbox("bob", "&assignee=me");
      assertTrue(bobsOwn.containsKey(submitted));
      assertFalse(bobsOwn.containsKey(byErin), "assigned to nobody");
      assertEquals("malformed_request", api.get("/inbox?assignee=carol", "bob").code(), "only me");
    }
  }

  @Nested
  class TamperEvidence {

    private static final String COMMENT = "add the register extract";

    /** Opened, submitted, changes requested with {@link #COMMENT}, resubmitted; verified. */
    private CaseId caseOfFourEvents() {
      String id = submitted();
      Response changes =
          api.post(
              "/cases/" + id + "/actions/request_changes",
              "bob",
              "{\"comment\":\"" + COMMENT + "\"}");
      assertEquals(200, changes.status(), changes::toString);
      Response resubmitted = act(id, "resubmit", "alice");
      assertEquals(200, resubmitted.status(), resubmitted::toString);
      // the read side has every event before the journal is touched, so no projection races it
      awaitRead(resubmitted);
      assertVerifies(id, 4);
      return new CaseId("acme", id);
    }

    private JsonNode verify(String id) {
      Response response = api.get("/cases/" + id + "/history/verify", "alice");
      assertEquals(200, response.status(), response::toString);
      return response.json();
    }

    private void assertVerifies(String id, int events) {
      JsonNode answer = verify(id);
      assertTrue(answer.get("valid").asBoolean(), answer::toString);
      assertEquals(events, answer.get("events").asInt(), answer::toString);
    }

    /** Broken at {@code seq}, found by {@code reason}: by the case, and by the whole journal. */
    private void assertBrokenAt(CaseId caseId, long seq, String reason) throws Exception {
      JsonNode answer = verify(caseId.id());
      assertFalse(answer.get("valid").asBoolean(), answer::toString);
      assertEquals(seq, answer.path("firstBrokenSeq").asLong(-1), answer::toString);
      assertEquals(reason, answer.path("reason").asText(), answer::toString);

      JsonNode whole = verifiedJournal();
      assertFalse(whole.get("valid").asBoolean(), whole::toString);
      JsonNode named = null;
      for (JsonNode broken : whole.get("broken")) {
        if (broken.get("caseId").asText().equals(caseId.id())) {
          named = broken;
        }
      }
      assertTrue(named != null, () -> caseId.id() + " is not among " + whole);
      assertEquals("acme", named.get("tenant").asText());
      assertEquals(seq, named.get("firstBrokenSeq").asLong(), named::toString);
    }

    /** {@code POST /admin/audit/verify} and its report once complete. */
    private JsonNode verifiedJournal() throws Exception {
      Response started = api.post("/admin/audit/verify", "oscar", null);
      assertEquals(202, started.status(), started::toString);
      return Eventually.until(
          "the journal's verification",
          Duration.ofSeconds(60),
          () -> api.get("/admin/audit/verify", "oscar").json(),
          report -> report.get("status").asText().equals("complete"));
    }

    private JournalTampering asTheOwner(Connection connection) throws SQLException {
      return new JournalTampering(connection);
    }

    @Test
    void alteredEventContentBreaksTheChainAtThatEvent() throws Exception {
      CaseId caseId = caseOfFourEvents();
      try (Connection connection = node.connect()) {
        JournalTampering owner = asTheOwner(connection);
        ObjectNode event = owner.event(caseId, 3);
        assertEquals(COMMENT, event.get("comment").asText());
        event.put("comment", "nothing to add");
        owner.replace(caseId, 3, event);
      }

      assertEquals(
          "nothing to add",
          api.get("/cases/" + caseId.id() + "/history", "alice")
              .json()
              .get(2)
              .get("comment")
              .asText(),
          "the altered event is read from the journal and still deserializes");
      assertBrokenAt(caseId, 3, "chain");
    }

    @Test
    void alteredEventWithItsHashRecomputedDisagreesWithTheAuditLog() throws Exception {
      CaseId caseId = caseOfFourEvents();
      try (Connection connection = node.connect()) {
        JournalTampering owner = asTheOwner(connection);
        ObjectNode event = owner.event(caseId, 3);
        event.put("comment", "nothing to add");
        event.put(
            "hash", HashChain.hashOf(CanonicalJson.parse(event.toString(), ActionPerformed.class)));
        owner.replace(caseId, 3, event);
      }

      assertBrokenAt(caseId, 3, "audit_log");
    }

    @Test
    void deletedEventBreaksTheChainWhereItWas() throws Exception {
      CaseId caseId = caseOfFourEvents();
      try (Connection connection = node.connect()) {
        asTheOwner(connection).delete(caseId, 2);
      }

      assertEquals(3, historySize(caseId.id()));
      assertBrokenAt(caseId, 2, "chain");
    }

    @Test
    void aRemovedLastEventIsMissedByTheChainAndCaughtByTheAuditLog() throws Exception {
      CaseId caseId = caseOfFourEvents();
      try (Connection connection = node.connect()) {
        asTheOwner(connection).delete(caseId, 4);
      }

      assertBrokenAt(caseId, 4, "audit_log");
    }

    @Test
    void swappedEventsBreakTheChainAtTheFirstOfThem() throws Exception {
      CaseId caseId = caseOfFourEvents();
      try (Connection connection = node.connect()) {
        asTheOwner(connection).swap(caseId, 2, 3);
      }

      JsonNode history = api.get("/cases/" + caseId.id() + "/history", "alice").json();
      assertEquals(3, history.get(1).get("seq").asInt(), "read in the journal's new order");
      assertEquals(2, history.get(2).get("seq").asInt(), "read in the journal's new order");
      assertBrokenAt(caseId, 2, "chain");
    }

    /**
     * The owner rewrites event 3 and everything after it, hashes recomputed, and the audit log to
     * match: the chain is whole and agrees with the audit log. The signed checkpoint made before
     * still holds the old head, and says so.
     */
    @Test
    void aConsistentRewriteIsCaughtByTheSignedCheckpointAlone() throws Exception {
      CaseId caseId = caseOfFourEvents();
      Response checkpoint = api.post("/admin/audit/checkpoints", "oscar", null);
      assertEquals(200, checkpoint.status(), checkpoint::toString);
      JsonNode covered = verify(caseId.id()).get("checkpoint");
      assertEquals(checkpoint.json().get("number").asLong(), covered.get("number").asLong());
      assertEquals(4, covered.get("seq").asLong());
      assertTrue(covered.get("matches").asBoolean());

      try (Connection connection = node.connect()) {
        asTheOwner(connection)
            .rewriteConsistently(caseId, 3, event -> event.put("comment", "nothing to add"));
      }

      assertEquals(
          "nothing to add",
          api.get("/cases/" + caseId.id() + "/history", "alice")
              .json()
              .get(2)
              .get("comment")
              .asText());
      assertBrokenAt(caseId, 4, "checkpoint");
      assertFalse(verify(caseId.id()).get("checkpoint").get("matches").asBoolean());
    }

    @Test
    void tamperingWithOneCaseLeavesAnotherVerifying() throws Exception {
      CaseId untouched = caseOfFourEvents();
      CaseId tampered = caseOfFourEvents();
      try (Connection connection = node.connect()) {
        JournalTampering owner = asTheOwner(connection);
        ObjectNode event = owner.event(tampered, 2);
        assertEquals("in_review", event.get("to").asText());
        event.put("to", "approved");
        owner.replace(tampered, 2, event);
      }

      assertBrokenAt(tampered, 2, "chain");
      assertVerifies(untouched.id(), 4);
    }
  }

  @Nested
  class ListingAndStatistics {

    /** A case of {@code subject} opened and closed again, once the read side has it. */
    private void openWithdrawn(String subject) {
      String id = newId();
      Response opened = open(id, subject, "alice", "{}");
      assertEquals(201, opened.status(), opened::toString);
      awaitRead(act(id, "withdraw", "alice"));
    }

    @Test
    void listShowsOwnWriteWhenAskedToBeConsistent() {
      String id = newId();
      open(id, "alice", "{\"riskLevel\":\"low\"}");
      Response submitted = act(id, "submit", "alice");
      assertEquals(id + "@2", token(submitted));

      Response list =
          api.get(
              "/cases?subject="
                  + subjectOf(id)
                  + "&state=in_review&consistentWith="
                  + token(submitted),
              "alice");

      assertEquals(200, list.status(), list::toString);
      JsonNode match = null;
      for (JsonNode item : list.json().get("items")) {
        if (item.get("id").asText().equals(id)) {
          match = item;
        }
      }
      assertTrue(match != null, list::toString);
      assertEquals(2, match.get("version").asInt());
      assertEquals("alice", match.get("lastActor").asText());
      assertEquals("low", match.get("data").get("riskLevel").asText());
    }

    @Test
    void consistencyTokenInHeaderWorksToo() {
      Response opened = open(newId(), "alice", "{}");
      Response stats =
          api.request("GET", "/stats", "alice")
              .header("Caseflow-Consistency", token(opened))
              .send();
      assertEquals(200, stats.status(), stats::toString);
    }

    @Test
    void tokenTheReadSideNeverReachesIsUnavailableAfterABoundedWait() {
      String id = newId();
      open(id, "alice", "{}");
      Response response = api.get("/cases?consistentWith=" + id + "@99", "alice");
      assertProblem(response, 503, "unavailable");
      assertEquals("1", response.header("Retry-After").orElseThrow());
      assertProblem(api.get("/cases?consistentWith=nonsense", "alice"), 400, "malformed_request");
    }

    @Test
    void filtersAndPagesNewestFirstWithoutGapsOrRepeats() {
      String subject = "PAGED-" + UUID.randomUUID();
      for (int i = 0; i < 5; i++) {
        // one open case per subject: each is withdrawn (closed) before the next opens
        openWithdrawn(subject);
      }
      String query = "/cases?subject=" + subject + "&limit=2";
      java.util.List<String> seen = new java.util.ArrayList<>();
      java.util.List<String> updated = new java.util.ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        Response page = api.get(query + (cursor == null ? "" : "&cursor=" + cursor), "alice");
        assertEquals(200, page.status(), page::toString);
        for (JsonNode item : page.json().get("items")) {
          seen.add(item.get("id").asText());
          updated.add(item.get("updatedAt").asText());
        }
        JsonNode next = page.json().get("nextCursor");
        cursor = next.isNull() ? null : next.asText();
        pages++;
      } while (cursor != null);

      assertEquals(3, pages);
      assertEquals(5, seen.size());
      assertEquals(5, new java.util.HashSet<>(seen).size(), "no case twice");
      java.util.List<String> newestFirst = new java.util.ArrayList<>(updated);
      newestFirst.sort(java.util.Comparator.comparing(Instant::parse).reversed());
      assertEquals(newestFirst, updated);
      assertProblem(api.get("/cases?cursor=bogus", "alice"), 400, "malformed_request");
      assertProblem(api.get("/cases?limit=0", "alice"), 400, "malformed_request");
    }

    @Test
    void filtersByStateAssigneeAndWorkflow() {
      String subject = "FILTER-" + UUID.randomUUID();
      openWithdrawn(subject);
      String id = newId();
      open(id, subject, "alice", "{\"riskLevel\":\"low\"}");
      api.post("/cases/" + id + "/assignee", "carol", "{\"assignee\":\"bob\"}");
      String token = token(act(id, "submit", "alice"));

      JsonNode inReview =
          api.get("/cases?subject=" + subject + "&state=in_review&consistentWith=" + token, "alice")
              .json()
              .get("items");
      assertEquals(1, inReview.size());
      assertEquals(id, inReview.get(0).get("id").asText());
      assertEquals(
          1,
          api.get("/cases?subject=" + subject + "&assignee=bob", "alice")
              .json()
              .get("items")
              .size());
      assertEquals(
          2,
          api.get("/cases?subject=" + subject + "&workflow=due-diligence", "alice")
              .json()
              .get("items")
              .size());
      assertEquals(
          0,
          api.get("/cases?subject=" + subject + "&workflow=insurance-claim", "alice")
              .json()
              .get("items")
              .size());
    }

    @Test
    void anotherTenantsCasesAndCountsStayInvisible() {
      String subject = "TENANT-" + UUID.randomUUID();
      String token =
          token(
              api.post(
                  "/cases",
                  "alice",
                  "{\"workflow\":\"due-diligence\",\"subject\":\"" + subject + "\"}"));
      assertEquals(
          1,
          api.get("/cases?subject=" + subject + "&consistentWith=" + token, "alice")
              .json()
              .get("items")
              .size());
      assertEquals(0, api.get("/cases?subject=" + subject, "dave").json().get("items").size());
    }

    @Test
    void statsCountCasesPerWorkflowAndState() throws Exception {
      // Earlier tests' cases may still be on their way to the read side: count once it is idle.
      api.awaitReadSideIdle();
      long before = draftCount("dave", null);
      String token =
          token(
              api.post(
                  "/cases", "dave", "{\"workflow\":\"due-diligence\",\"subject\":\"GLOBEX-1\"}"));
      assertEquals(before + 1, draftCount("dave", token));
    }

    private long draftCount(String user, String token) {
      Response stats = api.get("/stats" + (token == null ? "" : "?consistentWith=" + token), user);
      assertEquals(200, stats.status(), stats::toString);
      for (JsonNode item : stats.json().get("items")) {
        if (item.get("workflow").asText().equals("due-diligence")
            && item.get("state").asText().equals("draft")) {
          return item.get("cases").asLong();
        }
      }
      return 0;
    }
  }

  @Nested
  class TenantsAndTokens {

    @Test
    void anotherTenantsCaseDoesNotExistForYou() {
      String id = submitted();
      assertProblem(api.get("/cases/" + id, "dave"), 404, "case_not_found");
      assertProblem(act(id, "approve", "dave"), 404, "case_not_found");
      assertProblem(api.get("/cases/" + id + "/history", "dave"), 404, "case_not_found");
      Response sameIdElsewhere = open(id, "dave", "{}");
      assertEquals(201, sameIdElsewhere.status(), "tenants have separate id spaces");
      assertEquals("in_review", api.get("/cases/" + id, "alice").json().get("state").asText());
    }

    @Test
    void requestsWithoutValidTokenAreUnauthenticated() {
      assertProblem(api.get("/cases/" + newId(), null), 401, "unauthenticated");
      assertProblem(api.get("/workflows", "mallory"), 401, "unauthenticated");
      Response inUrl = api.get("/workflows?access_token=demo-alice", null);
      assertProblem(inUrl, 401, "unauthenticated");
      assertEquals("Bearer", inUrl.header("WWW-Authenticate").orElseThrow());
    }

    @Test
    void answersAreNotSniffedCachedOrSharedWithOtherOrigins() {
      for (Response response :
          List.of(
              api.get("/workflows", "alice"),
              api.get("/cases/" + newId(), "alice"),
              api.request("GET", "/workflows", "alice")
                  .header("Origin", "https://elsewhere.example")
                  .send())) {
        assertEquals(Optional.of("nosniff"), response.header("X-Content-Type-Options"));
        assertEquals(Optional.of("no-store"), response.header("Cache-Control"));
        assertEquals(Optional.empty(), response.header("Server"), "no product or version");
        assertEquals(Optional.empty(), response.header("Access-Control-Allow-Origin"));
      }
    }

    @Test
    void healthNeedsNoToken() {
      assertEquals(200, api.get("/health/alive", null).status());
      Response ready = api.get("/health/ready", null);
      assertEquals(200, ready.status(), ready::toString);
      var checks = ready.json().get("checks");
      for (String check :
          List.of("clusterMember", "shardingRegistered", "database", "apiServing")) {
        assertTrue(checks.get(check).asBoolean(), () -> check + ": " + ready);
      }
    }

    @Test
    void managementPortServesHealthAndMembership() {
      ApiClient management = new ApiClient(node.managementUrl());
      assertEquals(200, management.get("/alive", null).status());
      assertEquals(200, management.get("/ready", null).status());
      assertEquals(
          BuildVersion.current(),
          Cluster.get(node.system()).selfMember().appVersion().version(),
          "the node joins with the build's version, so that shards move to newer nodes");
      Response members = management.get("/cluster/members", null);
      assertEquals(200, members.status(), members::toString);
      assertEquals(1, members.json().get("members").size(), members::toString);
      assertEquals("Up", members.json().get("members").get(0).get("status").asText());
      assertEquals(
          404,
          api.get("/cluster/members", "oscar").status(),
          "membership is on the management port only");
    }
  }

  /** Another tenant's principal on every endpoint family: see {@link CrossTenantIsolation}. */
  @Nested
  class AnotherTenant extends CrossTenantIsolation {
    AnotherTenant() {
      super(node);
    }
  }

  /** A tenant's live stream, on this database as well: the feed the read side keeps. */
  @Nested
  class TenantEventStream {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void carriesNewEventsInCaseOrderAndResumesAfterTheLastEventId() throws Exception {
      String id = newId();
      try (SseStream stream =
          SseStream.open(node.baseUrl(), "/events", "alice", Optional.empty())) {
        assertEquals(200, stream.status());
        assertEquals(201, open(id, "alice", "{\"riskLevel\":\"high\"}").status());
        assertEquals(200, act(id, "submit", "alice").status());
        List<SseStream.Event> mine =
            ofCase(stream.awaitUntil(events -> ofCase(events, id).size() >= 2, PATIENCE), id);
        assertEquals(
            List.of("case_opened", "action_performed"),
            mine.stream().map(SseStream.Event::type).toList());
        assertEquals(List.of(1L, 2L), mine.stream().map(SseStream.Event::seq).toList());

        try (SseStream resumed =
            SseStream.open(node.baseUrl(), "/events", "alice", Optional.of(mine.get(0).id()))) {
          List<SseStream.Event> again =
              ofCase(resumed.awaitUntil(events -> !ofCase(events, id).isEmpty(), PATIENCE), id);
          assertEquals(2L, again.get(0).seq(), "resumes after the opening, without repeating it");
        }
      }
    }

    private static List<SseStream.Event> ofCase(List<SseStream.Event> events, String id) {
      return events.stream().filter(event -> event.caseId().equals(id)).toList();
    }
  }

  @Nested
  class RefusalLog {

    /** Waits for the refusal writer: {@code /refusals} as {@code user} until it lists {@code n}. */
    List<JsonNode> refusals(String query, String user, int expected) throws InterruptedException {
      Instant deadline = Instant.now().plusSeconds(10);
      while (true) {
        Response response = api.get("/refusals?" + query, user);
        assertEquals(200, response.status(), response::toString);
        List<JsonNode> items = new java.util.ArrayList<>();
        response.json().get("items").forEach(items::add);
        if (items.size() >= expected || Instant.now().isAfter(deadline)) {
          assertEquals(expected, items.size(), response::toString);
          return items;
        }
        Thread.sleep(50);
      }
    }

    static JsonNode withCode(List<JsonNode> items, String code) {
      List<JsonNode> found =
          items.stream().filter(i -> i.get("code").asText().equals(code)).toList();
      assertEquals(1, found.size(), () -> code + " once in " + items);
      return found.get(0);
    }

    static void assertRefusal(
        JsonNode refusal,
        String tenant,
        String actor,
        boolean verified,
        String method,
        String route,
        String caseId,
        String action) {
      assertEquals(tenant, refusal.get("tenant").textValue(), refusal::toString);
      assertEquals(actor, refusal.get("actor").textValue(), refusal::toString);
      assertEquals(verified, refusal.get("actorVerified").asBoolean(), refusal::toString);
      assertEquals("127.0.0.1", refusal.get("sourceAddress").asText(), refusal::toString);
      assertEquals(method, refusal.get("method").asText(), refusal::toString);
      assertEquals(route, refusal.get("route").asText(), refusal::toString);
      assertEquals(caseId, refusal.get("caseId").textValue(), refusal::toString);
      assertEquals(action, refusal.get("action").textValue(), refusal::toString);
      assertEquals(1, refusal.get("repeats").asInt(), refusal::toString);
      assertTrue(refusal.hasNonNull("at"), refusal::toString);
    }

    @Test
    void eachRefusalIsOnRecordOnceWithWhoWhatAndWhy() throws Exception {
      String id = newId();
      assertEquals(201, open(id, "alice", "{}").status());
      String actions = "/cases/{caseId}/actions/{action}";
      assertProblem(act(id, "submit", "alice"), 422, "missing_field");
      assertProblem(act(id, "approve", "bob"), 409, "invalid_transition");
      assertProblem(act(id, "submit", "bob"), 403, "forbidden");
      assertProblem(api.get("/cases/" + id, "dave"), 404, "case_not_found");
      assertProblem(api.get("/cases/" + id, "mallory"), 401, "unauthenticated");

      List<JsonNode> acme = refusals("caseId=" + id, "carol", 3);
      assertRefusal(
          withCode(acme, "missing_field"), "acme", "alice", true, "POST", actions, id, "submit");
      assertRefusal(
          withCode(acme, "invalid_transition"),
          "acme",
          "bob",
          true,
          "POST",
          actions,
          id,
          "approve");
      assertRefusal(
          withCode(acme, "forbidden"), "acme", "bob", true, "POST", actions, id, "submit");

      List<JsonNode> all = refusals("caseId=" + id, "oscar", 5);
      assertRefusal(
          withCode(all, "case_not_found"),
          "globex",
          "dave",
          true,
          "GET",
          "/cases/{caseId}",
          id,
          null);
      assertRefusal(
          withCode(all, "unauthenticated"), null, null, false, "GET", "/cases/{caseId}", id, null);
      assertEquals(1, historySize(id), "refusals are no part of the case's history");

      String fourEyes = newId();
      assertEquals(201, open(fourEyes, "erin", "{\"riskLevel\":\"low\"}").status());
      assertEquals(200, act(fourEyes, "submit", "erin").status());
      assertProblem(act(fourEyes, "approve", "erin"), 403, "four_eyes_violation");
      Response stale =
          api.request("POST", "/cases/" + fourEyes + "/actions/approve", "bob")
              .header("If-Match", "\"1\"")
              .send();
      assertProblem(stale, 412, "version_conflict");
      List<JsonNode> checked = refusals("caseId=" + fourEyes, "carol", 2);
      assertRefusal(
          withCode(checked, "four_eyes_violation"),
          "acme",
          "erin",
          true,
          "POST",
          actions,
          fourEyes,
          "approve");
      assertRefusal(
          withCode(checked, "version_conflict"),
          "acme",
          "bob",
          true,
          "POST",
          actions,
          fourEyes,
          "approve");
    }

    @Test
    void onlyAdminsReadTheirTenantsAndTheOperatorReadsAll() throws Exception {
      String id = newId();
      assertProblem(api.get("/cases/" + id, "dave"), 404, "case_not_found");
      assertProblem(api.get("/cases/" + id, "alice"), 404, "case_not_found");
      assertEquals(
          List.of("acme"),
          refusals("caseId=" + id, "carol", 1).stream().map(r -> r.get("tenant").asText()).toList(),
          "carol sees acme's refusals only");
      assertEquals(2, refusals("caseId=" + id, "oscar", 2).size());
      assertEquals(
          List.of("globex"),
          refusals("caseId=" + id + "&tenant=globex", "oscar", 1).stream()
              .map(r -> r.get("tenant").asText())
              .toList());
      assertEquals(
          0,
          refusals("caseId=" + id + "&tenant=globex", "carol", 1).stream()
              .filter(r -> !r.get("tenant").asText().equals("acme"))
              .count(),
          "a tenant admin cannot ask for another tenant");

      Response forbidden = api.get("/refusals", "alice");
      assertProblem(forbidden, 403, "forbidden");
      assertProblem(api.get("/refusals", "dave"), 403, "forbidden");
    }

    @Test
    void pagesFiltersAndBadParameters() throws Exception {
      String id = newId();
      for (int i = 0; i < 5; i++) {
        assertProblem(act(id, "submit-" + i, "alice"), 404, "case_not_found");
      }
      List<JsonNode> all = refusals("caseId=" + id, "carol", 5);
      Response first = api.get("/refusals?caseId=" + id + "&limit=2", "carol");
      String cursor = first.json().get("nextCursor").asText();
      Response second = api.get("/refusals?caseId=" + id + "&limit=2&cursor=" + cursor, "carol");
      Response third =
          api.get(
              "/refusals?caseId="
                  + id
                  + "&limit=2&cursor="
                  + second.json().get("nextCursor").asText(),
              "carol");
      List<String> paged = new java.util.ArrayList<>();
      for (Response page : List.of(first, second, third)) {
        page.json().get("items").forEach(item -> paged.add(item.get("action").asText()));
      }
      assertEquals(List.of("submit-4", "submit-3", "submit-2", "submit-1", "submit-0"), paged);
      assertTrue(third.json().get("nextCursor").isNull(), third::toString);
      assertEquals(all.stream().map(r -> r.get("action").asText()).toList(), paged, "newest first");

      assertEquals(
          1,
          refusals("caseId=" + id + "&actor=alice&code=case_not_found", "carol", 5).stream()
              .filter(r -> r.get("action").asText().equals("submit-0"))
              .count());
      assertEquals(
          0, api.get("/refusals?caseId=" + id + "&actor=bob", "carol").json().get("items").size());
      assertEquals(
          0,
          api.get("/refusals?caseId=" + id + "&since=" + Instant.now().plusSeconds(60), "carol")
              .json()
              .get("items")
              .size());
      assertProblem(api.get("/refusals?since=yesterday", "carol"), 400, "malformed_request");
      assertProblem(api.get("/refusals?cursor=not-a-cursor", "carol"), 400, "malformed_request");
    }
  }
}
