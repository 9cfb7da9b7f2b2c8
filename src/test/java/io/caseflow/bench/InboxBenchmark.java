package io.caseflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ApiClient.Response;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.TestPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The work inbox ({@code GET /inbox}) on a read side of one million cases, on an embedded
 * PostgreSQL, beside the plain case list ({@code GET /cases}) as the baseline in the same run. Not
 * a test: it prints figures and never fails on them. Run with {@code mvn -B -Pbench-inbox verify}
 * ({@code -Dbench.cases=} for another size).
 *
 * <p>The cases are written straight into the read side's table (the journal plays no part in a
 * query): due-diligence version 2, 40% draft, 25% in review (each submitted by one of 20 analysts,
 * erin among them, so her own are refused by the four-eyes rule), 5% escalated, 10% changes
 * requested, 10% approved, 10% closed; one in 50 assigned to bob. Each figure is the latency of
 * {@value #ROUNDS} sequential requests of 50 cases each, first pages and then the 20th page reached
 * by following cursors.
 */
public final class InboxBenchmark {

  private static final int ROUNDS = 200;

  public static void main(String[] args) throws Exception {
    int cases = Integer.getInteger("bench.cases", 1_000_000);
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node = RunningCaseflow.onPostgres(database, Map.of())) {
      long seeding = System.nanoTime();
      seed(database, cases);
      System.out.printf(
          Locale.ROOT,
          "%,d cases written and analysed in %.1f s%n",
          cases,
          (System.nanoTime() - seeding) / 1e9);
      ApiClient api = new ApiClient(node.baseUrl());
      List<String> lines = new ArrayList<>();
      lines.add(measure(api, "GET /cases (baseline)", "alice", "/cases?limit=50", 1));
      lines.add(measure(api, "GET /inbox, reviewer", "bob", "/inbox?limit=50", 1));
      lines.add(measure(api, "GET /inbox, analyst", "alice", "/inbox?limit=50", 1));
      lines.add(measure(api, "GET /inbox, analyst and reviewer", "erin", "/inbox?limit=50", 1));
      lines.add(measure(api, "GET /inbox?assignee=me", "bob", "/inbox?limit=50&assignee=me", 1));
      lines.add(measure(api, "GET /cases, page 20 (baseline)", "alice", "/cases?limit=50", 20));
      lines.add(measure(api, "GET /inbox, reviewer, page 20", "bob", "/inbox?limit=50", 20));
      System.out.printf(Locale.ROOT, "%n== Inbox on %,d cases (%d requests each)%n", cases, ROUNDS);
      System.out.printf(Locale.ROOT, "%-40s %9s %9s %9s%n", "request", "p50 ms", "p99 ms", "items");
      lines.forEach(System.out::println);
    }
    System.exit(0);
  }

  private static void seed(TestPostgres.Database database, int cases) throws Exception {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          """
          INSERT INTO cases (tenant, id, workflow, workflow_version, subject, title, state,
              assignee, version, data, created_at, updated_at, last_actor, slice, state_seq,
              state_since, performers)
          SELECT 'acme', 'inbox-' || lpad(n::text, 8, '0'), 'due-diligence', 2,
              'Subject ' || n, 'Onboarding ' || n, s.state,
              CASE WHEN n % 50 = 0 THEN 'bob' WHEN n % 3 = 0 THEN 'analyst-' || (n % 20) END,
              s.version, '{"riskLevel":"low"}',
              t.at - interval '1 day', t.at, 'analyst-' || (n % 20), n % 4, s.version, t.at,
              CASE WHEN s.version > 1
                THEN '{"submit":"' || CASE WHEN n % 20 = 0 THEN 'erin' ELSE 'analyst-' || (n % 20)
                  END || '"}' END
          FROM generate_series(1, ?) AS n
          CROSS JOIN LATERAL (SELECT timestamptz '2026-01-01' + (n * interval '30 seconds') AS at) t
          CROSS JOIN LATERAL (SELECT CASE
              WHEN n % 20 < 8 THEN 'draft' WHEN n % 20 < 13 THEN 'in_review'
              WHEN n % 20 < 14 THEN 'escalated' WHEN n % 20 < 16 THEN 'changes_requested'
              WHEN n % 20 < 18 THEN 'approved' ELSE 'closed' END AS state,
              CASE WHEN n % 20 < 8 THEN 1 ELSE 3 END AS version) s
          """
              .replace("?", Integer.toString(cases)));
      statement.execute("ANALYZE cases");
    }
  }

  /** Latencies of {@link #ROUNDS} requests for page {@code page} of {@code path}, as one line. */
  private static String measure(ApiClient api, String name, String user, String path, int page) {
    String target = path;
    for (int i = 1; i < page; i++) {
      JsonNode answer = ok(api.get(target, user));
      target =
          path
              + "&cursor="
              + URLEncoder.encode(answer.get("nextCursor").asText(), StandardCharsets.UTF_8);
    }
    for (int i = 0; i < ROUNDS / 4; i++) {
      ok(api.get(target, user)); // warm-up
    }
    List<Double> millis = new ArrayList<>();
    int items = 0;
    for (int i = 0; i < ROUNDS; i++) {
      long start = System.nanoTime();
      JsonNode answer = ok(api.get(target, user));
      millis.add((System.nanoTime() - start) / 1e6);
      items = answer.get("items").size();
    }
    Collections.sort(millis);
    return String.format(
        Locale.ROOT,
        "%-40s %9.2f %9.2f %9d",
        name,
        millis.get(millis.size() / 2),
        millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
        items);
  }

  private static JsonNode ok(Response response) {
    if (response.status() != 200) {
      throw new IllegalStateException(response.toString());
    }
    return response.json();
  }
}
