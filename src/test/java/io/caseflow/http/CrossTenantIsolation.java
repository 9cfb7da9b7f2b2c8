package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.WebhookReceiver;
import io.caseflow.testing.WebhookReceiver.Behaviour;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Another tenant's principal, on every endpoint family, gets {@code 404} or {@code 403} and never
 * data. Tenant acme (alice, bob, carol) holds real data: a case with a few events, a merged
 * duplicate and its saga, a webhook subscription and a dead-lettered delivery. Tenant globex's
 * analyst and reviewer (dave) and admin (victor), and the platform operator (oscar), then ask for
 * it by its real ids, one row of the table per request.
 *
 * <p>A refusal must be a problem document with the row's status and code, answered exactly as the
 * same request about ids that exist nowhere, and carry none of acme's values that the request did
 * not name itself; where the owner can read the same path, it first does, so the row is known to
 * name something real. A row answered with globex's own data (lists, statistics, the tenant stream,
 * webhooks) must show globex's and nothing of acme's. A new endpoint family is a constant of {@link
 * Family} and its rows: the first test fails for a family without a row.
 *
 * <p>Runs inside {@link CaseApiContract}, on H2 and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CrossTenantIsolation {

  enum Family {
    CASES,
    HISTORY,
    VERIFY,
    AS_OF,
    LISTS,
    STATS,
    CASE_STREAM,
    TENANT_STREAM,
    WEBHOOKS,
    DEAD_LETTERS,
    SAGAS,
    REFUSALS,
    AUDIT,
    ADMIN
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String SECRET = "a-secret-of-32-characters-length";
  private static final Set<String> STAFF_OF_ACME = Set.of("alice", "bob", "carol");

  /**
   * Members a refusal may word differently from the same refusal about ids that exist nowhere:
   * {@code detail} is text rendered from the other members, and a merge attempt names the saga it
   * started, new each time.
   */
  private static final Set<String> PER_REQUEST_MEMBERS = Set.of("detail", "sagaId");

  /**
   * What the node needs for these rows: globex's admin, and webhooks to a receiver on loopback that
   * are dead-lettered within a second.
   */
  static Map<String, Object> nodeSettings() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("caseflow.auth.demo-principals.victor.tenant", "globex");
    settings.put("caseflow.auth.demo-principals.victor.roles", List.of("admin"));
    settings.put("caseflow.webhooks.max-attempts", 2);
    settings.put("caseflow.webhooks.initial-backoff", "100ms");
    settings.put("caseflow.webhooks.max-backoff", "200ms");
    settings.put("caseflow.webhooks.request-timeout", "1s");
    settings.put("caseflow.webhooks.poll-interval", "100ms");
    settings.put("caseflow.webhooks.allow-http", "true");
    settings.put("caseflow.webhooks.allowed-private-targets", List.of("127.0.0.1"));
    return settings;
  }

  private final RunningCaseflow node;
  private final ApiClient api;
  private WebhookReceiver receiver;

  /** The rows' placeholders: acme's real ids, and the same placeholders naming nothing at all. */
  private final Map<String, String> acme = new LinkedHashMap<>();

  private final Map<String, String> nowhere = new LinkedHashMap<>();

  /** acme's values: no answer to globex may carry one its request did not name itself. */
  private final List<String> secrets = new ArrayList<>();

  private String acmeCase;
  private String acmeDuplicate;
  private String acmeClaimed;
  private String acmeWebhook;
  private long acmeDeadLetter;
  private String acmeLiveComment;
  private String globexCase;
  private String globexWebhook;

  CrossTenantIsolation(RunningCaseflow node) {
    this.node = node;
    this.api = ApiClient.checkedAgainstTheDocument(node.baseUrl());
  }

  @BeforeAll
  void seed() throws Exception {
    String tag = UUID.randomUUID().toString();
    receiver = new WebhookReceiver();
    receiver.behave(Behaviour.FAIL);
    String acmeUrl = receiver.url() + "/acme-" + tag;
    acmeWebhook = subscribe("carol", acmeUrl);
    globexWebhook = subscribe("victor", receiver.url() + "/globex-" + tag);

    acmeCase = CaseApiContract.newId();
    String title = "Acme confidential onboarding " + tag;
    String subject = "ACME-CONFIDENTIAL-" + tag;
    String jurisdiction = "acme-jurisdiction-" + tag;
    String comment = "acme reviewer note " + tag;
    expect(
        201,
        api.post(
            "/cases",
            "alice",
            ("{\"id\":\"%s\",\"workflow\":\"due-diligence\",\"subject\":\"%s\",\"title\":\"%s\","
                    + "\"data\":{\"riskLevel\":\"high\",\"jurisdiction\":\"%s\"}}")
                .formatted(acmeCase, subject, title, jurisdiction)));
    expect(200, api.post("/cases/" + acmeCase + "/actions/submit", "alice", null));
    expect(200, api.post("/cases/" + acmeCase + "/assignee", "carol", "{\"assignee\":\"bob\"}"));
    Response commented =
        expect(201, api.post("/cases/" + acmeCase + "/comments", "bob", text(comment)));

    acmeDuplicate = CaseApiContract.newId();
    String duplicateSubject = "Acme Confidential Ltd " + tag;
    api.openCase("alice", acmeDuplicate, duplicateSubject);
    Response merged =
        expect(
            200,
            api.post(
                "/cases/" + acmeDuplicate + "/merge", "bob", "{\"into\":\"" + acmeCase + "\"}"));
    assertEquals("completed", merged.json().get("status").asText(), merged::toString);
    String saga = merged.json().get("id").asText();

    acmeClaimed = CaseApiContract.newId();
    String claimedSubject = "ACME-CLAIMED-" + tag;
    api.openCase("alice", acmeClaimed, claimedSubject);
    acmeLiveComment = "acme live note " + tag;

    globexCase = CaseApiContract.newId();
    api.openCase("dave", globexCase, "GLOBEX-" + tag);
    expect(200, api.post("/cases/" + globexCase + "/assignee", "victor", "{\"assignee\":\"bob\"}"));
    expect(
        200,
        api.post(
            "/cases/" + globexCase + "/actions/submit",
            "dave",
            "{\"data\":{\"riskLevel\":\"low\"}}"));
    expect(201, api.post("/cases/" + globexCase + "/comments", "dave", text("globex note")));

    acmeDeadLetter = awaitDeadLetter("carol", "acme:" + acmeCase + ":4").get("id").asLong();
    awaitDeadLetter("victor", "globex:" + globexCase + ":4");
    api.awaitReadSideIdle();
    String checkpoint =
        expect(200, api.post("/admin/audit/checkpoints", "oscar", null))
            .json()
            .get("number")
            .asText();

    acme.put("{case}", acmeCase);
    acme.put("{duplicate}", acmeDuplicate);
    acme.put("{saga}", saga);
    acme.put("{webhook}", acmeWebhook);
    acme.put("{deadLetter}", Long.toString(acmeDeadLetter));
    acme.put("{token}", CaseApiContract.token(commented));
    acme.put("{subject}", subject);
    acme.put("{claimedSubject}", claimedSubject);
    String nowhereCase = CaseApiContract.newId();
    nowhere.put("{case}", nowhereCase);
    nowhere.put("{duplicate}", CaseApiContract.newId());
    nowhere.put("{saga}", UUID.randomUUID().toString());
    nowhere.put("{webhook}", UUID.randomUUID().toString());
    nowhere.put("{deadLetter}", Long.toString(acmeDeadLetter + 987_654_321L));
    nowhere.put("{token}", nowhereCase + "@4");
    nowhere.put("{subject}", "NOWHERE-" + UUID.randomUUID());
    nowhere.put("{claimedSubject}", "NOWHERE-" + UUID.randomUUID());
    String asOf = Instant.now().toString();
    for (Map<String, String> ids : List.of(acme, nowhere)) {
      ids.put("{checkpoint}", checkpoint);
      ids.put("{globexCase}", globexCase);
      ids.put("{asOf}", asOf);
    }
    secrets.addAll(
        List.of(
            acmeCase,
            acmeDuplicate,
            acmeClaimed,
            saga,
            acmeWebhook,
            acmeUrl,
            title,
            subject,
            duplicateSubject,
            jurisdiction,
            comment,
            acmeLiveComment));
  }

  @AfterAll
  void removeSubscriptions() {
    if (acmeWebhook != null) {
      api.request("DELETE", "/webhooks/" + acmeWebhook, "carol").send();
    }
    if (globexWebhook != null) {
      api.request("DELETE", "/webhooks/" + globexWebhook, "victor").send();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  /**
   * The table. The merge rows come after the lists and streams: a merge into acme's case id writes
   * that id into globex's own history, where globex may then read it.
   */
  private List<Row> rows() {
    return List.of(
        refused(Family.CASES, get("/cases/{case}", "dave"), 404, "case_not_found", "alice"),
        refused(Family.CASES, get("/cases/{case}", "victor"), 404, "case_not_found", "alice"),
        refused(Family.CASES, get("/cases/{case}", "oscar"), 404, "case_not_found", "alice"),
        refused(Family.CASES, get("/cases/{duplicate}", "dave"), 404, "case_not_found", "alice"),
        refused(Family.CASES, post("/cases/{case}/actions/approve", "dave"), 404, "case_not_found"),
        refused(
            Family.CASES,
            post("/cases/{case}/actions/request_changes", "dave")
                .withBody("{\"comment\":\"globex wants changes\"}"),
            404,
            "case_not_found"),
        refused(
            Family.CASES,
            post("/cases/{case}/assignee", "victor").withBody("{\"assignee\":\"dave\"}"),
            404,
            "case_not_found"),
        refused(
            Family.CASES,
            post("/cases/{case}/comments", "dave").withBody(text("globex was here")),
            404,
            "case_not_found"),
        answered(
            Family.CASES,
            post("/cases", "dave")
                .withBody("{\"workflow\":\"due-diligence\",\"subject\":\"{claimedSubject}\"}"),
            "201: a subject acme has open is free in globex",
            this::opensItsOwnCase),
        refused(
            Family.HISTORY, get("/cases/{case}/history", "dave"), 404, "case_not_found", "alice"),
        refused(
            Family.HISTORY,
            get("/cases/{duplicate}/history", "dave"),
            404,
            "case_not_found",
            "alice"),
        refused(
            Family.VERIFY,
            get("/cases/{case}/history/verify", "dave"),
            404,
            "case_not_found",
            "alice"),
        refused(
            Family.AS_OF, get("/cases/{case}?asOf={asOf}", "dave"), 404, "case_not_found", "alice"),
        answered(
            Family.LISTS, get("/cases?limit=200", "dave"), "globex's cases", this::globexCasesOnly),
        answered(
            Family.LISTS,
            get("/cases?state=in_review&workflow=due-diligence&assignee=bob&limit=200", "dave"),
            "globex's cases",
            this::globexCasesOnly),
        answered(Family.LISTS, get("/cases?subject={subject}", "dave"), "no case", this::noCases),
        // The read side of globex never holds acme's event: waited for, then unavailable, exactly
        // as for a case that exists nowhere.
        refused(Family.LISTS, get("/cases?consistentWith={token}", "dave"), 503, "unavailable"),
        answered(Family.STATS, get("/stats", "dave"), "globex's counts", this::globexCountsOnly),
        refused(
            Family.CASE_STREAM,
            get("/cases/{case}/events", "dave").asStream(),
            404,
            "case_not_found",
            "alice"),
        answered(
            Family.TENANT_STREAM,
            get("/events", "dave").asStream(),
            "globex's new events, not acme's made meanwhile",
            this::liveFeedOfGlobexOnly),
        answered(
            Family.TENANT_STREAM,
            get("/events", "dave").asStream().withHeader("Last-Event-ID", "0.0.0.0"),
            "globex's whole history",
            this::replayOfGlobexOnly),
        answered(
            Family.WEBHOOKS,
            get("/webhooks", "victor"),
            "globex's subscription",
            this::globexSubscriptionOnly),
        refused(
            Family.WEBHOOKS,
            get("/webhooks/{webhook}", "victor"),
            404,
            "webhook_not_found",
            "carol"),
        refused(Family.WEBHOOKS, delete("/webhooks/{webhook}", "victor"), 404, "webhook_not_found"),
        refused(
            Family.WEBHOOKS,
            post("/webhooks/{webhook}/rotate-secret", "victor"),
            404,
            "webhook_not_found"),
        refused(Family.WEBHOOKS, get("/webhooks/{webhook}", "dave"), 403, "forbidden"),
        answered(
            Family.DEAD_LETTERS,
            get("/webhooks/dead-letters", "victor"),
            "globex's dead letters",
            this::globexDeadLettersOnly),
        refused(
            Family.DEAD_LETTERS,
            post("/webhooks/dead-letters/{deadLetter}/redrive", "victor"),
            404,
            "delivery_not_found"),
        refused(
            Family.DEAD_LETTERS,
            post("/webhooks/dead-letters/{deadLetter}/redrive", "dave"),
            403,
            "forbidden"),
        refused(Family.SAGAS, get("/sagas/{saga}", "dave"), 404, "saga_not_found", "bob"),
        refused(Family.SAGAS, get("/sagas/{saga}", "victor"), 404, "saga_not_found", "bob"),
        refused(Family.SAGAS, get("/sagas/{saga}", "oscar"), 404, "saga_not_found", "bob"),
        refused(
            Family.SAGAS,
            post("/cases/{case}/merge", "dave").withBody("{\"into\":\"{globexCase}\"}"),
            404,
            "case_not_found"),
        // Not 404: the primary is asked at the merge's second step, and refuses as a case that
        // does not exist does; globex's case is restored.
        refused(
            Family.SAGAS,
            post("/cases/{globexCase}/merge", "dave").withBody("{\"into\":\"{case}\"}"),
            409,
            "merge_refused"),
        answered(
            Family.REFUSALS,
            get("/refusals?limit=200", "victor"),
            "globex's refusals",
            this::globexRefusalsOnly),
        answered(
            Family.REFUSALS,
            get("/refusals?tenant=acme&limit=200", "victor"),
            "globex's refusals: a tenant admin cannot pick another tenant",
            this::globexRefusalsOnly),
        refused(Family.REFUSALS, get("/refusals", "dave"), 403, "forbidden"),
        // A checkpoint holds every tenant's heads; another tenant gets no proof of acme's case,
        // exactly as for a case that exists nowhere, and the checkpoint itself names no case.
        refused(
            Family.AUDIT,
            get("/audit/checkpoints/{checkpoint}?caseId={case}", "victor"),
            404,
            "case_not_in_checkpoint",
            "carol"),
        answered(
            Family.AUDIT,
            get("/audit/checkpoints/{checkpoint}", "victor"),
            "the checkpoint, without heads",
            this::answeredWith200),
        answered(
            Family.AUDIT,
            get("/audit/checkpoints", "victor"),
            "the checkpoints",
            this::answeredWith200),
        refused(Family.AUDIT, get("/audit/checkpoints", "dave"), 403, "forbidden"),
        refused(Family.AUDIT, post("/admin/audit/checkpoints", "victor"), 403, "forbidden"),
        refused(Family.AUDIT, post("/admin/audit/verify", "victor"), 403, "forbidden"),
        refused(Family.ADMIN, get("/admin/read-side", "victor"), 403, "forbidden"),
        refused(Family.ADMIN, post("/admin/read-side/rebuild", "victor"), 403, "forbidden"),
        refused(Family.ADMIN, get("/admin/sagas", "victor"), 403, "forbidden"),
        refused(Family.ADMIN, get("/admin/sagas", "dave"), 403, "forbidden"));
  }

  @TestFactory
  Stream<DynamicTest> anotherTenantGetsNotFoundOrForbiddenAndNeverData() {
    List<Row> rows = rows();
    DynamicTest everyFamily =
        dynamicTest(
            "every endpoint family has a row",
            () ->
                assertEquals(
                    EnumSet.allOf(Family.class),
                    rows.stream()
                        .map(Row::family)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Family.class)))));
    DynamicTest untouched =
        dynamicTest(
            "acme's cases, subscription and dead letter are as acme left them",
            this::acmeIsAsItLeftIt);
    return Stream.of(
            Stream.of(everyFamily),
            rows.stream().map(row -> dynamicTest(row.toString(), () -> check(row))),
            Stream.of(untouched))
        .flatMap(tests -> tests);
  }

  /** Fails naming the row: reports list dynamic tests by number. */
  private void check(Row row) throws Exception {
    Request request = row.request().render(acme);
    try {
      Response answer;
      if (row.expectation() instanceof Refused refused) {
        answer = refusal(row, request, refused);
      } else {
        answer = ((Answered) row.expectation()).probe().run(request);
      }
      assertNothingOfAcme(request, answer);
    } catch (AssertionError e) {
      throw new AssertionError(row + ": " + e.getMessage(), e);
    }
  }

  private Response refusal(Row row, Request request, Refused refused) {
    if (refused.owner() != null) {
      Response owners = send(request.as(refused.owner()));
      assertEquals(200, owners.status(), () -> "the row must name acme's data: " + owners);
    }
    Response answer = send(request);
    CaseApiContract.assertProblem(answer, refused.status(), refused.code());
    Request aboutNothing = row.request().render(nowhere);
    if (!aboutNothing.equals(request)) {
      Response unknown = send(aboutNothing);
      String translated = unknown.text();
      for (String placeholder : nowhere.keySet()) {
        translated = translated.replace(nowhere.get(placeholder), acme.get(placeholder));
      }
      assertEquals(
          comparable(translated),
          comparable(answer.text()),
          () -> "answered unlike " + aboutNothing + ", " + unknown);
    }
    return answer;
  }

  private static JsonNode comparable(String problem) {
    JsonNode json = parse(problem);
    if (json instanceof ObjectNode object) {
      object.remove(PER_REQUEST_MEMBERS);
    }
    return json;
  }

  /** acme's values the request did not name, and acme's tenant, appear nowhere in the answer. */
  private void assertNothingOfAcme(Request request, Response answer) {
    String asked = request.named();
    for (String secret : secrets) {
      if (!asked.contains(secret)) {
        assertFalse(answer.text().contains(secret), () -> "carries '" + secret + "': " + answer);
      }
    }
    if (!answer.text().isBlank()) {
      assertFalse(
          parse(answer.text()).findValuesAsText("tenant").contains("acme"),
          () -> "carries acme's tenant: " + answer);
    }
  }

  private void acmeIsAsItLeftIt() {
    JsonNode primary = api.get("/cases/" + acmeCase, "alice").json();
    assertEquals("in_review", primary.get("state").asText(), primary::toString);
    assertEquals("bob", primary.get("assignee").asText(), primary::toString);
    JsonNode duplicate = api.get("/cases/" + acmeDuplicate, "alice").json();
    assertEquals(acmeCase, duplicate.get("mergedInto").asText(), duplicate::toString);
    for (String id : List.of(acmeCase, acmeDuplicate, acmeClaimed)) {
      for (JsonNode event : api.get("/cases/" + id + "/history", "alice").json()) {
        assertTrue(
            STAFF_OF_ACME.contains(event.get("actor").asText()),
            () -> id + " has an event by another tenant: " + event);
      }
    }
    assertEquals(200, api.get("/webhooks/" + acmeWebhook, "carol").status());
    List<Long> dead = new ArrayList<>();
    api.get("/webhooks/dead-letters", "carol").json().forEach(d -> dead.add(d.get("id").asLong()));
    assertTrue(dead.contains(acmeDeadLetter), () -> "re-driven by someone: " + dead);
  }

  // The probes of rows answered with globex's own data. Each returns what globex got.

  private Response opensItsOwnCase(Request request) {
    Response opened = send(request);
    assertEquals(201, opened.status(), opened::toString);
    assertEquals("globex", opened.json().get("tenant").asText(), opened::toString);
    return opened;
  }

  private Response globexCasesOnly(Request request) {
    Response list = send(request);
    assertEquals(200, list.status(), list::toString);
    List<String> ids = new ArrayList<>();
    for (JsonNode item : list.json().get("items")) {
      assertEquals("globex", item.get("tenant").asText(), item::toString);
      ids.add(item.get("id").asText());
    }
    assertTrue(ids.contains(globexCase), () -> "globex's own case is listed: " + list);
    return list;
  }

  private Response answeredWith200(Request request) {
    Response answer = send(request);
    assertEquals(200, answer.status(), answer::toString);
    return answer;
  }

  private Response noCases(Request request) {
    Response list = send(request);
    assertEquals(200, list.status(), list::toString);
    assertEquals(0, list.json().get("items").size(), list::toString);
    return list;
  }

  /** The counts are those of the cases globex can list, all of them. */
  private Response globexCountsOnly(Request request) throws Exception {
    api.awaitReadSideIdle();
    Map<String, Long> listed = new TreeMap<>();
    String cursor = null;
    do {
      Response page =
          api.get("/cases?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), request.user());
      assertEquals(200, page.status(), page::toString);
      for (JsonNode item : page.json().get("items")) {
        listed.merge(
            item.get("workflow").asText() + "/" + item.get("state").asText(), 1L, Long::sum);
      }
      JsonNode next = page.json().get("nextCursor");
      cursor = next.isNull() ? null : next.asText();
    } while (cursor != null);
    Response stats = send(request);
    assertEquals(200, stats.status(), stats::toString);
    Map<String, Long> counted = new TreeMap<>();
    for (JsonNode item : stats.json().get("items")) {
      counted.put(
          item.get("workflow").asText() + "/" + item.get("state").asText(),
          item.get("cases").asLong());
    }
    assertEquals(listed, counted, stats::toString);
    return stats;
  }

  /**
   * Open as globex, a change in acme, then one in globex: globex's stream carries its own change,
   * and has had time to carry acme's, which acme's own stream carries.
   */
  private Response liveFeedOfGlobexOnly(Request request) throws Exception {
    try (SseStream globex = open(request);
        SseStream acmeFeed = SseStream.open(node.baseUrl(), "/events", "alice", Optional.empty())) {
      assertEquals(200, globex.status());
      assertEquals(200, acmeFeed.status());
      long acmeSeq =
          expect(201, api.post("/cases/" + acmeCase + "/comments", "alice", text(acmeLiveComment)))
              .json()
              .get("version")
              .asLong();
      long globexSeq =
          expect(201, api.post("/cases/" + globexCase + "/comments", "dave", text("globex live")))
              .json()
              .get("version")
              .asLong();
      assertTrue(
          carries(
              acmeFeed.awaitUntil(events -> carries(events, acmeCase, acmeSeq), PATIENCE),
              acmeCase,
              acmeSeq),
          "acme's change is on acme's stream");
      assertTrue(
          carries(
              globex.awaitUntil(events -> carries(events, globexCase, globexSeq), PATIENCE),
              globexCase,
              globexSeq),
          "globex's change is on globex's stream");
      Thread.sleep(1000);
      return eventsOf(globex);
    }
  }

  private Response replayOfGlobexOnly(Request request) throws Exception {
    try (SseStream globex = open(request)) {
      assertEquals(200, globex.status());
      assertTrue(
          carries(
              globex.awaitUntil(events -> carries(events, globexCase, 4), PATIENCE), globexCase, 4),
          "globex's history is replayed");
      Thread.sleep(1000);
      return eventsOf(globex);
    }
  }

  private Response globexSubscriptionOnly(Request request) {
    Response list = send(request);
    assertEquals(200, list.status(), list::toString);
    List<String> ids = new ArrayList<>();
    list.json().forEach(subscription -> ids.add(subscription.get("id").asText()));
    assertEquals(List.of(globexWebhook), ids, list::toString);
    return list;
  }

  private Response globexDeadLettersOnly(Request request) {
    Response list = send(request);
    assertEquals(200, list.status(), list::toString);
    List<String> events = new ArrayList<>();
    list.json().forEach(dead -> events.add(dead.get("eventId").asText()));
    assertTrue(events.contains("globex:" + globexCase + ":4"), list::toString);
    assertTrue(events.stream().allMatch(id -> id.startsWith("globex:")), list::toString);
    return list;
  }

  /**
   * Globex's refusals and none of acme's: one of acme's is put on record first, so that a leak
   * would show. Globex's refusals name acme's case ids where globex's own requests did (a guessed
   * id is recorded as it was sent, whether or not a case has it), in {@code caseId} only.
   */
  private Response globexRefusalsOnly(Request request) throws InterruptedException {
    CaseApiContract.assertProblem(api.get("/refusals", "alice"), 403, "forbidden");
    awaitItems(get("/refusals?actor=alice&code=forbidden", "carol"));
    Response list = awaitItems(request);
    ObjectNode answer = (ObjectNode) list.json();
    for (JsonNode refusal : answer.get("items")) {
      assertEquals("globex", refusal.get("tenant").asText(), list::toString);
      // The case id globex itself sent; the rest of the answer is checked like any other.
      ((ObjectNode) refusal).remove("caseId");
    }
    return new Response(list.status(), list.headers(), answer.toString());
  }

  /** The refusal writer is asynchronous: asks again until the answer lists something. */
  private Response awaitItems(Request request) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (true) {
      Response list = send(request);
      assertEquals(200, list.status(), list::toString);
      if (list.json().get("items").size() > 0 || Instant.now().isAfter(deadline)) {
        assertTrue(list.json().get("items").size() > 0, () -> "nothing on record: " + list);
        return list;
      }
      Thread.sleep(100);
    }
  }

  private static boolean carries(List<SseStream.Event> events, String caseId, long seq) {
    return events.stream().anyMatch(e -> e.caseId().equals(caseId) && e.seq() == seq);
  }

  /** A stream's events so far, as one JSON array, to look through like any other answer. */
  private static Response eventsOf(SseStream stream) {
    ArrayNode events = JSON.createArrayNode();
    stream.events().forEach(event -> events.add(event.data()));
    return new Response(stream.status(), stream.headers(), events.toString());
  }

  // Sending a row's request.

  private Response send(Request request) {
    if (request.stream()) {
      try (SseStream stream = open(request)) {
        if (stream.status() != 200) {
          return new Response(stream.status(), stream.headers(), stream.problem().toString());
        }
        stream.await(1, Duration.ofSeconds(2));
        return eventsOf(stream);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    ApiClient.Request http = api.request(request.method(), request.path(), request.user());
    request.headers().forEach(http::header);
    if (request.body() != null) {
      http.body(request.body());
    }
    return http.send();
  }

  private SseStream open(Request request) {
    return SseStream.open(
        node.baseUrl(),
        request.path(),
        request.user(),
        Optional.ofNullable(request.headers().get("Last-Event-ID")));
  }

  // Building the table.

  /** One request of a row; its path, body and header values may hold placeholders. */
  record Request(
      String method,
      String path,
      String user,
      String body,
      Map<String, String> headers,
      boolean stream) {

    Request withBody(String json) {
      return new Request(method, path, user, json, headers, stream);
    }

    Request withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Request(method, path, user, body, Map.copyOf(more), stream);
    }

    Request asStream() {
      return new Request(method, path, user, body, headers, true);
    }

    Request as(String otherUser) {
      return new Request(method, path, otherUser, body, headers, stream);
    }

    Request render(Map<String, String> ids) {
      Map<String, String> rendered = new LinkedHashMap<>();
      headers.forEach((name, value) -> rendered.put(name, fill(value, ids)));
      return new Request(
          method,
          fill(path, ids),
          user,
          body == null ? null : fill(body, ids),
          Map.copyOf(rendered),
          stream);
    }

    /** Everything the request names: what its answer may repeat. */
    String named() {
      return path + "\n" + body + "\n" + headers.values();
    }

    private static String fill(String template, Map<String, String> ids) {
      String filled = template;
      for (Map.Entry<String, String> id : ids.entrySet()) {
        filled = filled.replace(id.getKey(), id.getValue());
      }
      return filled;
    }

    @Override
    public String toString() {
      return method + " " + path + (body == null ? "" : " " + body) + " as " + user;
    }
  }

  sealed interface Expectation permits Refused, Answered {}

  /** A problem document with this status and code; {@code owner}, if any, may read the path. */
  record Refused(int status, String code, String owner) implements Expectation {
    @Override
    public String toString() {
      return status + " " + code + (owner == null ? "" : " (" + owner + ": 200)");
    }
  }

  /** Answered with the asker's own data, as the probe checks; {@code what} names it. */
  record Answered(String what, Probe probe) implements Expectation {
    @Override
    public String toString() {
      return what;
    }
  }

  @FunctionalInterface
  interface Probe {
    Response run(Request request) throws Exception;
  }

  record Row(Family family, Request request, Expectation expectation) {
    @Override
    public String toString() {
      return family + ": " + request + " -> " + expectation;
    }
  }

  private static Request get(String path, String user) {
    return new Request("GET", path, user, null, Map.of(), false);
  }

  private static Request post(String path, String user) {
    return new Request("POST", path, user, null, Map.of(), false);
  }

  private static Request delete(String path, String user) {
    return new Request("DELETE", path, user, null, Map.of(), false);
  }

  private static Row refused(Family family, Request request, int status, String code) {
    return new Row(family, request, new Refused(status, code, null));
  }

  private static Row refused(
      Family family, Request request, int status, String code, String owner) {
    return new Row(family, request, new Refused(status, code, owner));
  }

  private static Row answered(Family family, Request request, String what, Probe probe) {
    return new Row(family, request, new Answered(what, probe));
  }

  // Setting up.

  private String subscribe(String admin, String url) {
    Response created =
        expect(
            201,
            api.post(
                "/webhooks",
                admin,
                "{\"url\":\"%s\",\"secret\":\"%s\",\"events\":[\"comment_added\"]}"
                    .formatted(url, SECRET)));
    return created.json().get("id").asText();
  }

  private JsonNode awaitDeadLetter(String admin, String eventId) throws Exception {
    return Eventually.await(
        eventId + " dead-lettered",
        PATIENCE,
        () -> {
          for (JsonNode dead : api.get("/webhooks/dead-letters", admin).json()) {
            if (dead.get("eventId").asText().equals(eventId)) {
              return Optional.of(dead);
            }
          }
          return Optional.empty();
        });
  }

  private static Response expect(int status, Response response) {
    assertEquals(status, response.status(), response::toString);
    return response;
  }

  private static String text(String comment) {
    return "{\"text\":\"" + comment + "\"}";
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
