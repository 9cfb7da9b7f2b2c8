package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseTags;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.ReadSideExpectation;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.TestPostgres;
import io.caseflow.testing.WebhookReceiver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * One event's commit is held for 15 seconds (a trigger with {@code pg_sleep}) while other events
 * flow past it. JDBC {@code eventsByTag} reads the hole in the journal's ordering as a gap and
 * waits for it only so long; either way the read side, a tenant's live stream and the webhook
 * deliveries must each end with every event exactly once.
 */
class SlowCommitIT {

  private static final String SLOW_CASE = "slow-1";
  private static final String SLOW_EVENT = "acme:" + SLOW_CASE + ":2";
  private static final String SECRET = "a-secret-of-32-characters-length";
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int SLICES = 4;

  /**
   * The configured gap wait (20 s) outlasts the slow commit: the live projection picks it up. The
   * reconciliation is kept from running, so that only the live path can have made the read side
   * exact.
   */
  @Test
  void liveProjectionWaitsOutASlowCommit() throws Exception {
    List<JsonNode> reports =
        runWithSlowCommit(Map.of("caseflow.read-side.reconcile-interval", "1h"));
    assertEquals(
        List.of(),
        reports,
        "the reconciliation ran, so it may have repaired what the live path missed");
  }

  /**
   * With a gap wait shorter than the commit, the live projection skips the event; the
   * reconciliation records it, and with it the event reaches the live stream and the webhook.
   */
  @Test
  void reconciliationRepairsWhatTheLiveProjectionSkipped() throws Exception {
    List<JsonNode> reports =
        runWithSlowCommit(
            Map.of(
                "jdbc-read-journal.journal-sequence-retrieval.max-tries", 5,
                "caseflow.read-side.reconcile-interval", "5s",
                "caseflow.read-side.reconcile-grace", "3s"));
    assertTrue(
        reports.stream()
            .anyMatch(
                report ->
                    report.get("casesRepaired").asInt() >= 1
                        && report.get("repaired").toString().contains("acme:" + SLOW_CASE)),
        reports::toString);
  }

  /**
   * Runs the load around the slow commit and answers every reconciliation report seen meanwhile:
   * only the last run's is kept, so a later run that found nothing to repair would hide a repair.
   */
  private List<JsonNode> runWithSlowCommit(Map<String, Object> settings) throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    Map<String, Object> overrides = new HashMap<>(settings);
    // The held request must not time out meanwhile: it is acknowledged once the commit lands.
    overrides.put("caseflow.http.ask-timeout", "40s");
    overrides.put("caseflow.read-side.slices", SLICES);
    overrides.put("jdbc-journal.circuit-breaker.call-timeout", "60s");
    // The webhook receiver listens on loopback, over plain http.
    overrides.put("caseflow.webhooks.allow-http", "true");
    overrides.put("caseflow.webhooks.allowed-private-targets", List.of("127.0.0.1"));
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, overrides);
        WebhookReceiver receiver = new WebhookReceiver()) {
      ApiClient api = new ApiClient(node.baseUrl());
      ReportWatcher watcher = new ReportWatcher(api);
      assertEquals(
          201,
          api.post(
                  "/webhooks",
                  "carol",
                  "{\"url\":\"" + receiver.url() + "\",\"secret\":\"" + SECRET + "\"}")
              .status());
      try (SseStream stream =
          SseStream.open(node.baseUrl(), "/events", "alice", Optional.empty())) {
        assertEquals(200, stream.status());
        List<String> neighbours = openNeighboursOfTheSlowCase(api);
        holdCommitOf(database, "Case|acme:" + SLOW_CASE, 2, 15);
        api.openCase("alice", SLOW_CASE, "S", "{\"riskLevel\":\"low\"}");

        CompletableFuture<Integer> slow =
            CompletableFuture.supplyAsync(
                () -> api.post("/cases/" + SLOW_CASE + "/actions/submit", "alice", null).status());
        awaitHeldCommit(database);
        neighbours.forEach(
            id ->
                assertEquals(
                    200,
                    api.post("/cases/" + id + "/actions/submit", "alice", null).status(),
                    "a write committed in the slow case's slice while its commit is held"));
        CaseWorkload.Result flowing = new CaseWorkload(api).run(20, 10, 4);
        assertEquals(0, flowing.failures());
        assertEquals(200, slow.get(), "the held submit is acknowledged once it commits");

        List<String> cases = new ArrayList<>(flowing.caseIds());
        cases.addAll(neighbours);
        cases.add(SLOW_CASE);
        new ReadSideExpectation(api, database, "alice", "acme").awaitExact(cases, PATIENCE);

        Set<String> recorded = recordedEvents(database);
        List<String> streamed =
            stream.awaitUntil(events -> idsOf(events).containsAll(recorded), PATIENCE).stream()
                .map(event -> event.caseId() + ":" + event.seq())
                .map(id -> "acme:" + id)
                .toList();
        List<String> delivered =
            receiver
                .awaitUntil(
                    r ->
                        r.acceptedOnce().stream()
                            .map(WebhookReceiver.Delivery::eventId)
                            .toList()
                            .containsAll(recorded),
                    PATIENCE)
                .stream()
                .filter(WebhookReceiver.Delivery::accepted)
                .map(WebhookReceiver.Delivery::eventId)
                .toList();
        assertTrue(recorded.contains(SLOW_EVENT), "the slow event is in the read side");
        assertEquals(recorded, new HashSet<>(streamed), "the live stream has every event");
        assertEquals(streamed.size(), recorded.size(), "the live stream repeats none");
        assertEquals(recorded, new HashSet<>(delivered), "every event is delivered by webhook");
        assertEquals(delivered.size(), recorded.size(), "no webhook is delivered twice");
        return watcher.stop();
      }
    }
  }

  /**
   * Opens cases in the slow case's slice, to be moved right after the held write so that its
   * projection sees later events committed past the hole. They must come first: the journal writes
   * at most {@code jdbc-journal.parallelism} batches at a time and completes them in order, so a
   * few batches after the held one every write of the node waits for it, and a workload spread over
   * all slices may commit nothing in this slice before the hold ends.
   */
  private static List<String> openNeighboursOfTheSlowCase(ApiClient api) {
    CaseTags tags = new CaseTags(SLICES);
    int slice = tags.sliceOf(new CaseId("acme", SLOW_CASE));
    List<String> neighbours =
        IntStream.iterate(0, i -> i + 1)
            .mapToObj(i -> "neighbour-" + i)
            .filter(id -> tags.sliceOf(new CaseId("acme", id)) == slice)
            .limit(3)
            .toList();
    neighbours.forEach(id -> api.openCase("alice", id, id, "{\"riskLevel\":\"low\"}"));
    return neighbours;
  }

  /** Collects each distinct reconciliation report, polling faster than the runs come. */
  private static final class ReportWatcher {
    private final List<JsonNode> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService poller =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    ReportWatcher(ApiClient api) {
      poller.scheduleWithFixedDelay(
          () -> {
            JsonNode report = api.get("/admin/read-side", "oscar").json().get("reconciliation");
            if (!report.isNull() && !reports.contains(report)) {
              reports.add(report);
            }
          },
          0,
          200,
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    List<JsonNode> stop() throws InterruptedException {
      poller.shutdownNow();
      poller.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      return List.copyOf(reports);
    }
  }

  private static Set<String> idsOf(List<SseStream.Event> events) {
    Set<String> ids = new HashSet<>();
    events.forEach(event -> ids.add("acme:" + event.caseId() + ":" + event.seq()));
    return ids;
  }

  /** Every acme event of the read side (exact with the journal by then), as its event id. */
  private static Set<String> recordedEvents(TestPostgres.Database database) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT case_id, seq FROM audit_log WHERE tenant = 'acme'")) {
      while (rows.next()) {
        ids.add("acme:" + rows.getString(1) + ":" + rows.getLong(2));
      }
    }
    return ids;
  }

  /**
   * Until the slow event's insert sleeps in its trigger: writes sent earlier would be ordered
   * before it and leave no hole (a fixed pause was too short on a loaded machine). Asked as the
   * service's role: PostgreSQL shows what a session waits on to its own role only.
   */
  private static void awaitHeldCommit(TestPostgres.Database database) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (Connection connection = database.connectAsService();
        Statement statement = connection.createStatement()) {
      while (true) {
        try (ResultSet held =
            statement.executeQuery(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")) {
          held.next();
          if (held.getLong(1) > 0) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the slow event's insert never reached its trigger");
        }
        Thread.sleep(20);
      }
    }
  }

  private static void holdCommitOf(
      TestPostgres.Database database, String persistenceId, long seq, int seconds)
      throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE FUNCTION hold_commit() RETURNS trigger AS $$ BEGIN"
              + " IF NEW.persistence_id = '"
              + persistenceId
              + "' AND NEW.sequence_number = "
              + seq
              + " THEN PERFORM pg_sleep("
              + seconds
              + "); END IF;"
              + " RETURN NEW; END; $$ LANGUAGE plpgsql");
      statement.execute(
          "CREATE TRIGGER hold_commit BEFORE INSERT ON event_journal"
              + " FOR EACH ROW EXECUTE FUNCTION hold_commit()");
    }
  }
}
