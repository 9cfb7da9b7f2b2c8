package io.caseflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Read-side throughput and lag under write load, on an embedded PostgreSQL, for the shipped grouped
 * projection and, as the baseline in the same run, one event per transaction. Not a test: it prints
 * figures and never fails on them. Run with {@code mvn -B -Pbench verify}.
 *
 * <p>For each configuration: {@value #WRITERS} clients drive due-diligence cases over HTTP for the
 * write window while the lag is sampled; then the time to drain the remaining backlog; then a full
 * rebuild, whose replay rate is the read side's catch-up throughput.
 */
public final class ReadSideBenchmark {

  private static final int WRITERS = 8;
  private static final Duration WRITE_WINDOW =
      Duration.ofSeconds(Long.getLong("bench.seconds", 20));

  private record Figures(
      String config,
      double actionsPerSecond,
      double eventsPerSecond,
      double lagMaxSeconds,
      double lagP99Seconds,
      long backlogAtEnd,
      double drainSeconds,
      long journalEvents,
      double replayEventsPerSecond) {}

  public static void main(String[] args) throws Exception {
    List<Figures> results = new ArrayList<>();
    results.add(run("one event per transaction (baseline)", 1));
    results.add(run("grouped (shipped: up to 200 events)", 200));
    print(results);
    System.exit(0);
  }

  private static Figures run(String config, int groupSize) throws Exception {
    System.out.println("== " + config);
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node =
        RunningCaseflow.onPostgres(database, Map.of("caseflow.read-side.group-size", groupSize))) {
      ApiClient api = new ApiClient(node.baseUrl());
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicLong actions = new AtomicLong();
      ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.submit(() -> write(api, writer, writing, actions));
      }
      List<Double> lagSamples = Collections.synchronizedList(new ArrayList<>());
      long eventsBefore = count(database, "event_journal WHERE persistence_id LIKE 'Case|%'");
      Instant start = Instant.now();
      while (Duration.between(start, Instant.now()).compareTo(WRITE_WINDOW) < 0) {
        lagSamples.add(maxLagSeconds(api));
        Thread.sleep(250);
      }
      writing.set(false);
      writers.shutdown();
      writers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      double window = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      long events =
          count(database, "event_journal WHERE persistence_id LIKE 'Case|%'") - eventsBefore;
      long backlog = backlog(api);
      Instant drainStart = Instant.now();
      while (backlog(api) > 0) {
        Thread.sleep(50);
      }
      double drain = Duration.between(drainStart, Instant.now()).toMillis() / 1000.0;

      long journal = count(database, "event_journal WHERE persistence_id LIKE 'Case|%'");
      Instant rebuildStart = Instant.now();
      api.post("/admin/read-side/rebuild", "oscar", null);
      while (!"complete".equals(rebuildPhase(api))) {
        Thread.sleep(50);
      }
      double replay = Duration.between(rebuildStart, Instant.now()).toMillis() / 1000.0;

      List<Double> sorted = new ArrayList<>(lagSamples);
      Collections.sort(sorted);
      return new Figures(
          config,
          actions.get() / window,
          events / window,
          sorted.get(sorted.size() - 1),
          sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)),
          backlog,
          drain,
          journal,
          journal / replay);
    }
  }

  /** One client: opens a case, then cycles it through submit / request_changes / resubmit. */
  private static void write(ApiClient api, int writer, AtomicBoolean writing, AtomicLong actions) {
    int round = 0;
    while (writing.get()) {
      String id = "bench-" + writer + "-" + round++;
      api.post(
          "/cases",
          "alice",
          "{\"id\":\""
              + id
              + "\",\"workflow\":\"due-diligence\",\"subject\":\""
              + id
              + "\",\"data\":{\"riskLevel\":\"low\"}}");
      if (api.post("/cases/" + id + "/actions/submit", "alice", null).status() == 200) {
        actions.incrementAndGet();
      }
      for (int n = 0; n < 20 && writing.get(); n++) {
        String path = n % 2 == 0 ? "request_changes" : "resubmit";
        String user = n % 2 == 0 ? "bob" : "alice";
        String body = n % 2 == 0 ? "{\"comment\":\"again\"}" : null;
        if (api.post("/cases/" + id + "/actions/" + path, user, body).status() == 200) {
          actions.incrementAndGet();
        }
      }
    }
  }

  private static double maxLagSeconds(ApiClient api) {
    double max = 0;
    for (JsonNode lag : api.get("/admin/read-side", "oscar").json().get("projections")) {
      max = Math.max(max, lag.get("secondsBehind").asDouble());
    }
    return max;
  }

  private static long backlog(ApiClient api) {
    long behind = 0;
    for (JsonNode lag : api.get("/admin/read-side", "oscar").json().get("projections")) {
      behind += lag.get("eventsBehind").asLong();
    }
    return behind;
  }

  private static String rebuildPhase(ApiClient api) {
    return api.get("/admin/read-side", "oscar").json().get("rebuild").get("phase").asText();
  }

  private static long count(TestPostgres.Database database, String table) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void print(List<Figures> results) {
    String header =
        String.format(
            Locale.ROOT,
            "%-38s %10s %10s %9s %9s %9s %8s %9s %12s",
            "configuration",
            "actions/s",
            "events/s",
            "lag max",
            "lag p99",
            "backlog",
            "drain",
            "journal",
            "replay ev/s");
    System.out.println();
    System.out.println(
        "Read side under write load ("
            + WRITERS
            + " clients, "
            + WRITE_WINDOW.toSeconds()
            + " s window, 4 slices)");
    System.out.println(header);
    for (Figures f : results) {
      System.out.println(
          String.format(
              Locale.ROOT,
              "%-38s %10.0f %10.0f %8.2fs %8.2fs %9d %7.2fs %9d %12.0f",
              f.config(),
              f.actionsPerSecond(),
              f.eventsPerSecond(),
              f.lagMaxSeconds(),
              f.lagP99Seconds(),
              f.backlogAtEnd(),
              f.drainSeconds(),
              f.journalEvents(),
              f.replayEventsPerSecond()));
    }
    Figures baseline = results.get(0);
    Figures grouped = results.get(1);
    System.out.println(
        String.format(
            Locale.ROOT,
            "replay throughput grouped / baseline: %.2fx",
            grouped.replayEventsPerSecond() / baseline.replayEventsPerSecond()));
  }
}
