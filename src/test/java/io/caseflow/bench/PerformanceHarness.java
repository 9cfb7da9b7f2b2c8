package io.caseflow.bench;

import io.caseflow.cases.CaseId;
import io.caseflow.testing.ApiClient;
import io.caseflow.testing.Jcmd;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.SseStream;
import io.caseflow.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Caseflow against the transactional baseline, side by side on one embedded PostgreSQL, driven by
 * the same closed-loop HTTP load at several concurrency levels; then recovery time of a
 * 10,000-event case, heap per idle live case, and cold start on the embedded default. Prints one
 * table and writes it to {@code target/bench/performance.md}. Reports, never fails on a figure. Run
 * with {@code mvn -B -Pbench verify} (it packages the service first).
 */
public final class PerformanceHarness {

  private static final int CASES = Integer.getInteger("bench.cases", 2048);
  private static final Duration RUN = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
  private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 30));
  private static final List<Integer> LEVELS =
      integers(System.getProperty("bench.levels", "8,32,64"));
  private static final boolean PROFILE = Boolean.getBoolean("bench.profile");
  private static final boolean EXTRAS = !"false".equals(System.getProperty("bench.extras"));
  private static final int STREAMS = Integer.getInteger("bench.streams", 1000);
  private static final List<Integer> HEAP_ENTITIES =
      integers(System.getProperty("bench.heapEntities", "10000,100000"));

  private record Row(
      String service,
      int clients,
      Load.Result load,
      double serviceCpu,
      double postgresCpu,
      double lagMaxSeconds,
      double lagEndSeconds) {}

  private final List<String> report = new ArrayList<>();
  private TestPostgres.Database journalDb;

  public static void main(String[] args) throws Exception {
    new PerformanceHarness().run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "bench"));
    Load load =
        WrkLoad.available() && !"java".equals(System.getProperty("bench.loader"))
            ? new WrkLoad()
            : new LoadGenerator();
    log("load generator: " + load.name());
    TestPostgres.Database caseflowDb = TestPostgres.newDatabase();
    journalDb = caseflowDb;
    TestPostgres.Database baselineDb = TestPostgres.newDatabase();
    Path dataDir = Files.createTempDirectory(work, "caseflow");
    List<Row> rows = new ArrayList<>();
    Process baseline = startBaseline(baselineDb);
    try (ServiceProcess caseflow = ServiceProcess.onPostgres(dataDir, caseflowDb)) {
      ApiClient api = caseflow.start().awaitReady();
      String baselineUrl = "http://127.0.0.1:" + baselinePort;
      List<String> warmup = seed(api, baselineDb, 0);
      load.run(caseflow.baseUrl(), warmup, 16, WARMUP);
      load.run(baselineUrl, warmup, 16, WARMUP);
      for (int level = 0; level < LEVELS.size(); level++) {
        int clients = LEVELS.get(level);
        List<String> cases = seed(api, baselineDb, level + 1);
        rows.add(
            measure("caseflow", clients, load, caseflow.baseUrl(), cases, caseflow.pid(), api));
        rows.add(measure("baseline", clients, load, baselineUrl, cases, baseline.pid(), null));
        log("level " + clients + " done");
      }
      if (STREAMS > 0) {
        rows.add(measureWithStreams(caseflow, load, api, baselineDb));
      }
      printComparison(rows, load);
      Files.write(work.resolve("performance.md"), report);
      if (EXTRAS) {
        extra("Recovery", work, () -> measureRecovery(caseflow, warmup));
        extra("Heap per idle live case entity", work, () -> measureHeap(caseflow));
      }
    } finally {
      baseline.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (EXTRAS) {
      extra("Cold start", work, () -> measureColdStart(work));
    }
    System.out.println();
    report.forEach(System.out::println);
    System.out.println("\n(written to " + work.resolve("performance.md") + ")");
  }

  private interface Measurement {
    void run() throws Exception;
  }

  /**
   * One of the figures after the comparison, printed and written as soon as it is measured; one
   * that fails (a service out of heap) is reported as such, and the others are still measured.
   */
  private void extra(String name, Path work, Measurement measurement) throws Exception {
    int from = report.size();
    try {
      measurement.run();
    } catch (Exception | Error e) {
      report.add("## " + name + ": not measured, " + e);
      report.add("");
    }
    report.subList(from, report.size()).forEach(PerformanceHarness::log);
    Files.write(work.resolve("performance.md"), report);
  }

  /**
   * Caseflow at the highest level again, with {@link #STREAMS} live streams of another tenant open
   * on the node; then one event of that tenant, which every stream must receive.
   */
  private Row measureWithStreams(
      ServiceProcess caseflow, Load load, ApiClient api, TestPostgres.Database baselineDb)
      throws Exception {
    int clients = LEVELS.get(LEVELS.size() - 1);
    List<String> cases = seed(api, baselineDb, LEVELS.size() + 1);
    List<SseStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < STREAMS; i++) {
        streams.add(SseStream.open(caseflow.baseUrl(), "/events", "dave", Optional.empty()));
      }
      Row row = measure("caseflow", clients, load, caseflow.baseUrl(), cases, caseflow.pid(), api);
      String marker = "streams-" + System.nanoTime();
      api.post(
          "/cases",
          "dave",
          "{\"id\":\""
              + marker
              + "\",\"workflow\":\"due-diligence\",\"subject\":\""
              + marker
              + "\"}");
      long received = 0;
      for (SseStream stream : streams) {
        List<SseStream.Event> events =
            stream.awaitUntil(
                seen -> seen.stream().anyMatch(e -> e.caseId().equals(marker)),
                Duration.ofSeconds(30));
        received += events.stream().anyMatch(e -> e.caseId().equals(marker)) ? 1 : 0;
      }
      log(received + " of " + STREAMS + " open streams received the event of their tenant");
      return new Row(
          "caseflow, " + STREAMS + " streams (" + received + " got the event)",
          row.clients(),
          row.load(),
          row.serviceCpu(),
          row.postgresCpu(),
          row.lagMaxSeconds(),
          row.lagEndSeconds());
    } finally {
      streams.forEach(SseStream::close);
    }
  }

  /** A fresh batch of cases, in draft, in both services: every run starts from known states. */
  private static List<String> seed(ApiClient caseflow, TestPostgres.Database baseline, int run)
      throws Exception {
    List<String> ids = IntStream.range(0, CASES).mapToObj(i -> "perf-" + run + "-" + i).toList();
    seedCaseflow(caseflow, ids);
    seedBaseline(baseline, ids);
    awaitReadSideCaughtUp(caseflow);
    return ids;
  }

  /**
   * The seeded cases' events are projected before a run starts: a run measured while the read side
   * still works off the seeding measures the seeding.
   */
  private static void awaitReadSideCaughtUp(ApiClient caseflow) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (eventsBehind(caseflow) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the read side did not catch up with the seeding");
      }
      Thread.sleep(200);
    }
  }

  private static long eventsBehind(ApiClient admin) {
    long behind = 0;
    for (var lag : admin.get("/admin/read-side", "oscar").json().get("projections")) {
      behind += lag.get("eventsBehind").asLong();
    }
    return behind;
  }

  private Row measure(
      String name,
      int clients,
      Load load,
      String url,
      List<String> cases,
      long pid,
      ApiClient admin)
      throws Exception {
    boolean profile = PROFILE && name.equals("caseflow");
    if (profile) {
      Jcmd.run(
          pid,
          "JFR.start name=bench settings=" + System.getProperty("bench.jfrSettings", "profile"));
    }
    double cpu0 = ProcessCpu.seconds(pid);
    double pg0 = ProcessCpu.secondsOfAll("postgres");
    List<Double> lags = new ArrayList<>();
    Thread sampler = null;
    if (admin != null) {
      sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  try {
                    lags.add(maxLag(admin));
                    Thread.sleep(500);
                  } catch (InterruptedException stopped) {
                    return;
                  } catch (IllegalStateException failed) {
                    if (Thread.currentThread().isInterrupted()) {
                      return; // stopped while asking: ApiClient reports the interrupt so
                    }
                    throw failed;
                  }
                }
              });
      sampler.start();
    }
    Load.Result result = load.run(url, cases, clients, RUN);
    double cpu = ProcessCpu.seconds(pid) - cpu0;
    double pg = ProcessCpu.secondsOfAll("postgres") - pg0;
    if (profile) {
      Path recording = Path.of("target", "bench", "caseflow-" + clients + ".jfr").toAbsolutePath();
      Jcmd.run(pid, "JFR.dump name=bench filename=" + recording);
      Jcmd.run(pid, "JFR.stop name=bench");
      log("profile written to " + recording + " (jfr print --events jdk.ExecutionSample)");
    }
    double lagEnd = 0;
    if (sampler != null) {
      sampler.interrupt();
      sampler.join();
      lagEnd = maxLag(admin);
      log(
          "after "
              + clients
              + " clients: projections "
              + admin.get("/admin/read-side", "oscar").json().get("projections")
              + "; "
              + journalGaps());
    }
    return new Row(
        name,
        clients,
        result,
        cpu / result.seconds(),
        pg / result.seconds(),
        lags.stream().mapToDouble(Double::doubleValue).max().orElse(0),
        lagEnd);
  }

  /** Holes in the journal's ordering, which the read journal waits out before it reads past. */
  private String journalGaps() {
    try (Connection connection = journalDb.connect();
        Statement statement = connection.createStatement();
        var rows =
            statement.executeQuery(
                "SELECT COUNT(*), COALESCE(SUM(next - ordering - 1), 0), MAX(ordering) FROM"
                    + " (SELECT ordering, LEAD(ordering) OVER (ORDER BY ordering) AS next"
                    + " FROM event_journal) g WHERE next > ordering + 1")) {
      rows.next();
      return "journal ordering: "
          + rows.getLong(1)
          + " holes, "
          + rows.getLong(2)
          + " numbers missing, the last after "
          + rows.getLong(3);
    } catch (java.sql.SQLException e) {
      return "journal ordering unknown: " + e;
    }
  }

  private static double maxLag(ApiClient admin) {
    double max = 0;
    for (var lag : admin.get("/admin/read-side", "oscar").json().get("projections")) {
      max = Math.max(max, lag.get("secondsBehind").asDouble());
    }
    return max;
  }

  private void printComparison(List<Row> rows, Load load) {
    report.add("## Acknowledged actions, Caseflow vs transactional baseline");
    report.add("");
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %d fresh cases per run, %d s per run after %d s warm-up, closed loop over HTTP"
                + " (%s); load generator, services and PostgreSQL share the machine's %d cores",
            Instant.now(),
            CASES,
            RUN.toSeconds(),
            WARMUP.toSeconds(),
            load.name(),
            Runtime.getRuntime().availableProcessors()));
    report.add("");
    report.add(
        "| service | clients | actions/s | p50 ms | p99 ms | p99.9 ms | errors | lag max s | lag end s | service CPU | postgres CPU | CPU ms/action | ratio |");
    report.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Row row : rows) {
      double baseline =
          rows.stream()
              .filter(
                  other -> other.service().equals("baseline") && other.clients() == row.clients())
              .mapToDouble(other -> other.load().perSecond())
              .findFirst()
              .orElse(Double.NaN);
      report.add(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.0f | %.1f | %.1f | %.1f | %d | %s | %s | %.0f%% | %.0f%% | %.3f | %s |",
              row.service(),
              row.clients(),
              row.load().perSecond(),
              row.load().p50Millis(),
              row.load().p99Millis(),
              row.load().p999Millis(),
              row.load().errors(),
              row.service().startsWith("caseflow")
                  ? String.format(Locale.ROOT, "%.2f", row.lagMaxSeconds())
                  : "-",
              row.service().startsWith("caseflow")
                  ? String.format(Locale.ROOT, "%.2f", row.lagEndSeconds())
                  : "-",
              row.serviceCpu() * 100,
              row.postgresCpu() * 100,
              (row.serviceCpu() + row.postgresCpu()) * 1000 / row.load().perSecond(),
              row.service().startsWith("caseflow")
                  ? String.format(Locale.ROOT, "%.2fx", row.load().perSecond() / baseline)
                  : ""));
    }
    report.add("");
  }

  /** A case with 10,000 events, its entity recovered after a restart (snapshot + tail). */
  private void measureRecovery(ServiceProcess caseflow, List<String> warmCases) throws Exception {
    ApiClient api = new ApiClient(caseflow.baseUrl());
    String neighbour = sameShardAs("big-case");
    api.post(
        "/cases",
        "alice",
        "{\"id\":\"" + neighbour + "\",\"workflow\":\"due-diligence\",\"subject\":\"N\"}");
    api.post(
        "/cases",
        "alice",
        "{\"id\":\"big-case\",\"workflow\":\"due-diligence\",\"subject\":\"BIG\"}");
    ExecutorService writers = Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      done.add(
          writers.submit(
              () -> {
                for (int i = 0; i < 10_000 / 8; i++) {
                  api.post("/cases/big-case/comments", "bob", "{\"text\":\"note " + i + "\"}");
                }
              }));
    }
    for (var future : done) {
      future.get();
    }
    writers.shutdown();
    long version = api.get("/cases/big-case", "alice").json().get("version").asLong();
    List<Double> millis = new ArrayList<>();
    for (int attempt = 0; attempt < 3; attempt++) {
      caseflow.kill();
      ApiClient restarted = caseflow.start().awaitReady();
      // recovery's code warmed up on small cases, and the big case's shard started by a neighbour:
      // what is timed is the case's own recovery
      parallel(0, 500, i -> restarted.get("/cases/" + warmCases.get(i), "alice"));
      restarted.get("/cases/" + neighbour, "alice");
      long start = System.nanoTime();
      restarted.get("/cases/big-case", "alice");
      millis.add((System.nanoTime() - start) / 1e6);
    }
    report.add("## Recovery of one case with " + version + " events (snapshot every 100)");
    report.add("");
    report.add(
        String.format(
            Locale.ROOT,
            "First GET after a restart, once 500 small cases warmed recovery up and a neighbour"
                + " started its shard: %s ms (median %.1f ms)",
            millis.stream()
                .map(m -> String.format(Locale.ROOT, "%.1f", m))
                .collect(Collectors.joining(", ")),
            median(millis)));
    report.add("");
  }

  /** A case id of tenant acme in the same shard as {@code caseId} (Pekko's default extractor). */
  private static String sameShardAs(String caseId) {
    int shards = 1000;
    int shard = Math.abs(new CaseId("acme", caseId).entityId().hashCode() % shards);
    return IntStream.iterate(0, i -> i + 1)
        .mapToObj(i -> "neighbour-" + i)
        .filter(id -> Math.abs(new CaseId("acme", id).entityId().hashCode() % shards) == shard)
        .findFirst()
        .orElseThrow();
  }

  /** Heap used by idle live case entities: activate N of them after a restart and compare. */
  private void measureHeap(ServiceProcess caseflow) throws Exception {
    report.add("## Heap per idle live case entity");
    report.add("");
    int created = 0;
    for (int entities : HEAP_ENTITIES) {
      ApiClient api = new ApiClient(caseflow.baseUrl());
      parallel(
          created,
          entities,
          i ->
              api.post(
                  "/cases",
                  "alice",
                  "{\"id\":\"heap-"
                      + i
                      + "\",\"workflow\":\"due-diligence\",\"subject\":\"H"
                      + i
                      + "\"}"));
      created = Math.max(created, entities);
      caseflow.kill();
      ApiClient restarted = caseflow.start().awaitReady();
      parallel(0, 100, i -> restarted.get("/cases/heap-" + i, "alice"));
      long before = heapUsedBytes(caseflow.pid());
      Map<String, Long> classesBefore = liveBytesByClass(caseflow.pid());
      parallel(100, entities, i -> restarted.get("/cases/heap-" + i, "alice"));
      long after = heapUsedBytes(caseflow.pid());
      Map<String, Long> classesAfter = liveBytesByClass(caseflow.pid());
      report.add(
          String.format(
              Locale.ROOT,
              "- %d entities: heap after full GC %d MiB -> %d MiB, %.0f bytes per entity",
              entities,
              before >> 20,
              after >> 20,
              (after - before) / (double) (entities - 100)));
      report.add("  where it goes, bytes per entity by class (the largest):");
      classesAfter.entrySet().stream()
          .map(
              c -> Map.entry(c.getKey(), c.getValue() - classesBefore.getOrDefault(c.getKey(), 0L)))
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(15)
          .forEach(
              c ->
                  report.add(
                      String.format(
                          Locale.ROOT,
                          "  - %.0f %s",
                          c.getValue() / (double) (entities - 100),
                          c.getKey())));
      log("heap " + entities + " done");
    }
    report.add("");
  }

  private static long heapUsedBytes(long pid) throws Exception {
    Jcmd.run(pid, "GC.run");
    String info = Jcmd.run(pid, "GC.heap_info");
    Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
    if (!used.find()) {
      throw new IllegalStateException("Cannot read heap use from: " + info);
    }
    return Long.parseLong(used.group(1)) * 1024;
  }

  /** Bytes of live objects per class, from the class histogram (which runs a full GC first). */
  private static Map<String, Long> liveBytesByClass(long pid) throws Exception {
    Pattern row = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
    Map<String, Long> bytes = new java.util.HashMap<>();
    for (String line : Jcmd.run(pid, "GC.class_histogram").split("\n")) {
      Matcher matched = row.matcher(line);
      if (matched.find()) {
        bytes.merge(matched.group(2), Long.parseLong(matched.group(1)), Long::sum);
      }
    }
    if (bytes.isEmpty()) {
      throw new IllegalStateException("Cannot read the class histogram of " + pid);
    }
    return bytes;
  }

  /** Time from {@code java -jar} to a ready node on the embedded default, fresh data each time. */
  private void measureColdStart(Path work) throws Exception {
    List<Double> seconds = new ArrayList<>();
    for (int attempt = 0; attempt < 3; attempt++) {
      Path dataDir = Files.createTempDirectory(work, "cold");
      try (ServiceProcess service = new ServiceProcess(dataDir, Map.of())) {
        long start = System.nanoTime();
        service.start().awaitReady();
        seconds.add((System.nanoTime() - start) / 1e9);
      }
    }
    report.add("## Cold start to ready on the embedded default (H2, empty data directory)");
    report.add("");
    report.add(
        String.format(
            Locale.ROOT,
            "%s s (median %.2f s)",
            seconds.stream()
                .map(s -> String.format(Locale.ROOT, "%.2f", s))
                .collect(Collectors.joining(", ")),
            median(seconds)));
  }

  private int baselinePort;

  private Process startBaseline(TestPostgres.Database database) throws Exception {
    baselinePort = ServiceProcess.freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                BaselineService.class.getName(),
                Integer.toString(baselinePort),
                database.url(),
                // the naive service makes and owns its own tables
                database.owner(),
                database.ownerPassword())
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "bench", "baseline.log").toFile())
            .start();
    ApiClient api = new ApiClient("http://127.0.0.1:" + baselinePort);
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      try {
        api.post("/cases/none/actions/submit", "alice", null);
        return process;
      } catch (RuntimeException notYet) {
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException("baseline did not start; see target/bench/baseline.log");
  }

  private static void seedCaseflow(ApiClient api, List<String> ids) throws Exception {
    parallel(
        0,
        ids.size(),
        i ->
            api.post(
                "/cases",
                "alice",
                "{\"id\":\""
                    + ids.get(i)
                    + "\",\"workflow\":\"due-diligence\",\"subject\":\""
                    + ids.get(i)
                    + "\",\"data\":{\"riskLevel\":\"low\"}}"));
  }

  private static void seedBaseline(TestPostgres.Database database, List<String> ids)
      throws Exception {
    try (Connection connection = database.connect()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO base_cases (id, tenant, state, version, updated_at) VALUES (?, 'acme', 'draft', 1, now())")) {
        for (String id : ids) {
          insert.setString(1, id);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "INSERT INTO base_state_counts VALUES ('acme', 'draft', 0), ('acme', 'in_review', 0),"
                + " ('acme', 'changes_requested', 0) ON CONFLICT DO NOTHING");
        statement.execute(
            "UPDATE base_state_counts SET cases = cases + "
                + ids.size()
                + " WHERE tenant = 'acme' AND state = 'draft'");
      }
    }
  }

  private static void parallel(int from, int to, java.util.function.IntConsumer task)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      int chunk = Math.max(1, (to - from) / 16 + 1);
      for (int start = from; start < to; start += chunk) {
        int first = start;
        int last = Math.min(to, start + chunk);
        futures.add(pool.submit(() -> IntStream.range(first, last).forEach(task)));
      }
      for (var future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static List<Integer> integers(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
  }

  private static void log(String line) {
    System.out.println("[bench] " + line);
  }
}
