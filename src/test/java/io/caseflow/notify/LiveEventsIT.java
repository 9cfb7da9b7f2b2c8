package io.caseflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.SseStream.Event;
import io.caseflow.testing.TestPostgres;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live event streams against a real node on PostgreSQL: complete and in per-case order, only what
 * was persisted, resumable without gaps or repeats, and never another tenant's.
 */
class LiveEventsIT {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final int CASES = 5;

  /** The start of the tenant feed: position 0 in each of the 4 slices of the default settings. */
  private static final String FEED_START = "0.0.0.0";

  private static final int ACTIONS_PER_CASE = 10;

  private static TestPostgres.Database database;
  private static RunningCaseflow node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    database = TestPostgres.newDatabase();
    // An injected persist failure leaves a gap in the journal's ordering, which the read side's
    // projections wait out before they record later events; wait 2 s for it, not 20.
    node =
        RunningCaseflow.onPostgres(
            database,
            Map.of(
                "jdbc-read-journal.journal-sequence-retrieval.max-tries",
                10,
                "caseflow.http.event-stream-heartbeat",
                "500ms",
                "caseflow.http.event-stream-stall-timeout",
                "2s",
                // Small kernel buffers, so a client that stops reading stalls its stream soon.
                "pekko.http.server.socket-options.so-send-buffer-size",
                "8KiB"));
    api = new ApiClient(node.baseUrl());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void streamsCarryEveryPersistedEventInCaseOrderAndNothingThatFailedToPersist() throws Exception {
    List<String> cases = openCases("live");
    try (SseStream tenant = SseStream.open(node.baseUrl(), "/events", "alice", Optional.empty());
        SseStream oneCase =
            SseStream.open(node.baseUrl(), "/cases/live-3/events", "bob", Optional.of("1"))) {
      assertEquals(200, tenant.status());
      assertEquals(200, oneCase.status());

      List<int[]> plan = plan();
      for (int i = 0; i < plan.size(); i++) {
        if (i == plan.size() / 2) {
          failOnePersist("live-2");
        }
        act(cases.get(plan.get(i)[0]), plan.get(i)[1]);
      }

      List<Event> all = tenant.await(CASES * ACTIONS_PER_CASE, PATIENCE);
      assertEquals(CASES * ACTIONS_PER_CASE, all.size(), "every action, once: " + all);
      assertInCaseOrder(all, cases, 2);
      assertTrue(
          all.stream().noneMatch(event -> event.data().toString().contains("doomed")),
          "an event that failed to persist was announced");
      assertTrue(all.stream().allMatch(event -> event.type().equals("action_performed")));

      List<Event> ofCase = oneCase.await(ACTIONS_PER_CASE, PATIENCE);
      assertEquals(
          all.stream().filter(event -> event.caseId().equals("live-3")).map(Event::data).toList(),
          ofCase.stream().map(Event::data).toList(),
          "the case stream carries that case's events, the same as the tenant stream");
      assertEquals(
          IntStream.rangeClosed(2, ACTIONS_PER_CASE + 1).mapToObj(Long::toString).toList(),
          ofCase.stream().map(Event::id).toList(),
          "a case stream's ids are the case's sequence numbers");
      Thread.sleep(1500);
      assertTrue(oneCase.heartbeats() > 0, "an idle stream gets heartbeats");
      assertEquals(ACTIONS_PER_CASE, oneCase.events().size(), "heartbeats are not events");
    } finally {
      dropFailure();
    }
  }

  @Test
  void reconnectingWithLastEventIdResumesExactlyAfterIt() throws Exception {
    List<String> cases = openCases("resume");
    List<Event> firstPart;
    try (SseStream first = SseStream.open(node.baseUrl(), "/events", "erin", Optional.empty())) {
      List<int[]> plan = plan();
      for (int[] step : plan) {
        act(cases.get(step[0]), step[1]);
      }
      firstPart = first.await(20, PATIENCE).subList(0, 20);
    }
    String lastSeen = firstPart.get(19).id();
    try (SseStream resumed =
        SseStream.open(node.baseUrl(), "/events", "erin", Optional.of(lastSeen))) {
      List<Event> rest = resumed.await(30, PATIENCE);
      Thread.sleep(1000);
      rest = resumed.events();
      assertEquals(30, rest.size(), "events 21..50 and nothing else: " + rest);
      List<Event> all = new ArrayList<>(firstPart);
      all.addAll(rest);
      Set<String> ids = new HashSet<>();
      all.forEach(event -> assertTrue(ids.add(event.id()), "repeated: " + event));
      assertInCaseOrder(all, cases, 2);
      assertTrue(
          rest.stream().allMatch(event -> isBeyond(event.id(), lastSeen)),
          "every resumed id is past " + lastSeen + ": " + rest);
    }
  }

  /**
   * The node reads the feed once for all its tenant streams: forty of them, thirty from the start
   * and ten resuming from early on (they catch up from the database, then join), each get their
   * events exactly once and in order.
   */
  @Test
  void manyStreamsOfOneNodeEachCarryEveryEventOnce() throws Exception {
    List<String> cases = openCases("fan");
    List<int[]> plan = plan();
    int half = plan.size() / 2;
    List<SseStream> fromStart = new ArrayList<>();
    List<SseStream> resumed = new ArrayList<>();
    try {
      for (int i = 0; i < 30; i++) {
        fromStart.add(SseStream.open(node.baseUrl(), "/events", "alice", Optional.empty()));
      }
      plan.subList(0, half).forEach(step -> act(cases.get(step[0]), step[1]));
      // Resumed from early on, after the node's reader has passed it: they catch up by themselves.
      int seen = 5;
      String early = fromStart.get(0).await(half, PATIENCE).get(seen - 1).id();
      for (int i = 0; i < 10; i++) {
        resumed.add(SseStream.open(node.baseUrl(), "/events", "bob", Optional.of(early)));
      }
      plan.subList(half, plan.size()).forEach(step -> act(cases.get(step[0]), step[1]));

      for (SseStream stream : fromStart) {
        List<Event> all = stream.await(plan.size(), PATIENCE);
        assertInCaseOrder(all, cases, 2);
      }
      List<String> rest =
          fromStart.get(0).events().subList(seen, plan.size()).stream()
              .map(event -> event.caseId() + ":" + event.seq())
              .toList();
      for (SseStream stream : resumed) {
        List<String> got =
            stream.await(plan.size() - seen, PATIENCE).stream()
                .map(event -> event.caseId() + ":" + event.seq())
                .toList();
        assertEquals(rest.size(), got.size(), "a stream resumed early on: " + got);
        assertEquals(Set.copyOf(rest), Set.copyOf(got), "exactly the rest");
      }
      Thread.sleep(1000);
      for (SseStream stream : fromStart) {
        assertEquals(plan.size(), stream.events().size(), "nothing twice");
      }
    } finally {
      fromStart.forEach(SseStream::close);
      resumed.forEach(SseStream::close);
    }
  }

  /** A replay from the feed's start reads more than a page of every slice, each event once. */
  @Test
  void aStreamFromTheStartPagesThroughTheWholeHistory() throws Exception {
    CaseWorkload.Result workload = new CaseWorkload(api).run(60, 20, 8);
    assertEquals(0, workload.failures());
    // every acknowledged event recorded, not only each case's first 21: the replay is compared
    // with this snapshot
    api.awaitReadSideIdle();
    Set<String> recorded = awaitRecorded(workload.caseIds());
    try (SseStream replay =
        SseStream.open(node.baseUrl(), "/events", "alice", Optional.of(FEED_START))) {
      List<Event> events =
          replay.awaitUntil(seen -> seen.size() >= recorded.size(), PATIENCE.multipliedBy(2));
      List<String> ids =
          events.stream().map(event -> "acme:" + event.caseId() + ":" + event.seq()).toList();
      assertEquals(recorded.size(), ids.size(), "each recorded event once");
      assertEquals(recorded, Set.copyOf(ids));
    }
  }

  /** Every acme event on the feed, once the read side has recorded the workload's cases. */
  private static Set<String> awaitRecorded(List<String> cases) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      Set<String> recorded = new HashSet<>();
      Map<String, Long> perSlice = new HashMap<>();
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT case_id, seq, slice FROM audit_log"
                      + " WHERE tenant = 'acme' AND feed_position IS NOT NULL")) {
        while (rows.next()) {
          recorded.add("acme:" + rows.getString(1) + ":" + rows.getLong(2));
          perSlice.merge(rows.getString(3), 1L, Long::sum);
        }
      }
      boolean workloadIn = cases.stream().allMatch(id -> recorded.contains("acme:" + id + ":21"));
      if (workloadIn) {
        assertTrue(
            perSlice.values().stream().allMatch(count -> count > FeedHub.BATCH),
            "more than a page in every slice: " + perSlice);
        return recorded;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the read side did not record the workload");
      }
      Thread.sleep(200);
    }
  }

  @Test
  void anotherTenantSeesNothingOfAcme() throws Exception {
    try (SseStream globex =
        SseStream.open(node.baseUrl(), "/events", "dave", Optional.of(FEED_START))) {
      List<String> acme = openCases("private");
      act(acme.get(0), 0);
      SseStream acmeCase =
          SseStream.open(node.baseUrl(), "/cases/private-1/events", "dave", Optional.empty());
      assertEquals(404, acmeCase.status(), "another tenant's case stream does not exist");
      assertEquals("case_not_found", acmeCase.problem().get("code").asText());

      Response own =
          api.post(
              "/cases",
              "dave",
              "{\"id\":\"globex-sentinel\",\"workflow\":\"due-diligence\",\"subject\":\"G\"}");
      assertEquals(201, own.status(), own::toString);
      List<Event> seen =
          globex.awaitUntil(
              events -> events.stream().anyMatch(e -> e.caseId().equals("globex-sentinel")),
              PATIENCE);
      assertFalse(seen.isEmpty(), "globex's own event arrives");
      assertTrue(
          seen.stream().allMatch(event -> event.data().get("tenant").asText().equals("globex")),
          "only globex events, even replaying from the start of the journal: " + seen);
    }
  }

  @Test
  void aClientThatStopsReadingIsDisconnectedWithoutHoldingAnyoneUp() throws Exception {
    int comments = 600;
    open(List.of("slow-1"));
    try (Socket stalled = new Socket()) {
      // A tiny receive window: the client's socket fills after a few events.
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", URI.create(node.baseUrl()).getPort()));
      stalled
          .getOutputStream()
          .write(
              ("GET /events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer demo-heidi\r\n"
                      + "Accept: text/event-stream\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();
      try (SseStream reading =
          SseStream.open(node.baseUrl(), "/cases/slow-1/events", "alice", Optional.of("1"))) {
        for (int i = 0; i < comments; i++) {
          assertEquals(
              201,
              api.post("/cases/slow-1/comments", "alice", "{\"text\":\"" + "x".repeat(200) + "\"}")
                  .status());
        }
        assertEquals(
            comments, reading.await(comments, PATIENCE).size(), "a reading client gets all");
      }
      Thread.sleep(4000); // twice the stall timeout, without reading
      stalled.setSoTimeout((int) PATIENCE.toMillis());
      InputStream in = stalled.getInputStream();
      byte[] chunk = new byte[8192];
      long bytes = 0;
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      try {
        int read;
        while ((read = in.read(chunk)) >= 0) {
          bytes += read;
          assertTrue(System.nanoTime() < deadline, "the stalled stream was never closed");
        }
      } catch (SocketException reset) {
        // Closed by the server with data still unsent: a reset instead of an orderly end.
      }
      assertTrue(bytes > 0, "the stalled client got the first events");
      assertTrue(bytes < comments * 200L, "but not all: the server gave up on it");
    }
  }

  @Test
  void badStreamRequestsAreRefusedWithCodes() throws Exception {
    SseStream unknown =
        SseStream.open(node.baseUrl(), "/cases/no-such-case/events", "alice", Optional.empty());
    assertEquals(404, unknown.status());
    assertEquals("case_not_found", unknown.problem().get("code").asText());
    for (String notSent : List.of("not-a-position", "7", "0.0.0", "0.0.0.0.0", "1..2.3")) {
      SseStream malformed =
          SseStream.open(node.baseUrl(), "/events", "alice", Optional.of(notSent));
      assertEquals(400, malformed.status(), notSent);
      assertEquals("malformed_request", malformed.problem().get("code").asText());
    }
    SseStream malformedCase =
        SseStream.open(node.baseUrl(), "/cases/live-1/events", "alice", Optional.of("0.0.0.0"));
    assertEquals(400, malformedCase.status());
    assertEquals("malformed_request", malformedCase.problem().get("code").asText());
    assertEquals(401, api.get("/events", null).status());
  }

  /** Cases {@code prefix-1..5} of acme, opened before any stream starts. */
  private static List<String> openCases(String prefix) {
    return open(IntStream.rangeClosed(1, CASES).mapToObj(i -> prefix + "-" + i).toList());
  }

  /**
   * Opens the cases and waits until the read side has recorded them: a tenant stream that starts
   * without {@code Last-Event-ID} carries every event recorded after it started, which would
   * include an opening still on its way.
   */
  private static List<String> open(List<String> ids) {
    for (String id : ids) {
      Response opened = api.openCase("alice", id, id);
      String token = opened.header("Caseflow-Consistency").orElseThrow();
      assertEquals(200, api.get("/stats?consistentWith=" + token, "alice").status());
    }
    return ids;
  }

  /** Ten actions per case, the cases interleaved: {case index, step}. */
  private static List<int[]> plan() {
    List<int[]> plan = new ArrayList<>();
    for (int step = 0; step < ACTIONS_PER_CASE; step++) {
      for (int c = 0; c < CASES; c++) {
        plan.add(new int[] {c, step});
      }
    }
    return plan;
  }

  /** submit, then request_changes and resubmit in turn. */
  private static void act(String caseId, int step) {
    Response response =
        step == 0
            ? api.post(
                "/cases/" + caseId + "/actions/submit",
                "alice",
                "{\"data\":{\"riskLevel\":\"low\"}}")
            : step % 2 == 1
                ? api.post(
                    "/cases/" + caseId + "/actions/request_changes",
                    "bob",
                    "{\"comment\":\"round " + step + "\"}")
                : api.post("/cases/" + caseId + "/actions/resubmit", "alice", null);
    assertEquals(200, response.status(), () -> caseId + " step " + step + ": " + response);
  }

  /** A comment whose insert into the journal fails: the command is answered 503. */
  private static void failOnePersist(String caseId) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE FUNCTION refuse_doomed() RETURNS trigger AS $$ BEGIN"
              + " IF position('doomed' in convert_from(NEW.event_payload, 'UTF8')) > 0 THEN"
              + " RAISE EXCEPTION 'injected persist failure'; END IF; RETURN NEW; END;"
              + " $$ LANGUAGE plpgsql");
      statement.execute(
          "CREATE TRIGGER refuse_doomed BEFORE INSERT ON event_journal"
              + " FOR EACH ROW EXECUTE FUNCTION refuse_doomed()");
    }
    Response failed = api.post("/cases/" + caseId + "/comments", "alice", "{\"text\":\"doomed\"}");
    assertEquals(503, failed.status(), failed::toString);
    assertEquals("unavailable", failed.code());
  }

  private static void dropFailure() throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TRIGGER IF EXISTS refuse_doomed ON event_journal");
    }
  }

  /**
   * Whether tenant stream position {@code id} is past {@code position}: no slice behind, one ahead.
   */
  private static boolean isBeyond(String id, String position) {
    long[] later = Arrays.stream(id.split("\\.")).mapToLong(Long::parseLong).toArray();
    long[] earlier = Arrays.stream(position.split("\\.")).mapToLong(Long::parseLong).toArray();
    boolean ahead = false;
    for (int slice = 0; slice < later.length; slice++) {
      if (later[slice] < earlier[slice]) {
        return false;
      }
      ahead |= later[slice] > earlier[slice];
    }
    return ahead;
  }

  /** Each case's events arrive in sequence order, starting at {@code firstSeq}, none missing. */
  private static void assertInCaseOrder(List<Event> events, List<String> cases, long firstSeq) {
    Map<String, List<Long>> seqs = new LinkedHashMap<>();
    cases.forEach(id -> seqs.put(id, new ArrayList<>()));
    events.forEach(event -> seqs.get(event.caseId()).add(event.seq()));
    seqs.forEach(
        (id, seen) ->
            assertEquals(
                IntStream.range(0, ACTIONS_PER_CASE).mapToObj(i -> firstSeq + i).toList(),
                seen,
                id + " in order"));
  }
}
