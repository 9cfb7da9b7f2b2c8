package io.caseflow.bench;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.Jcmd;
import io.caseflow.testing.PrometheusText;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue 32, item 7: the packaged service under a steady mixed load ({@link SoakLoad}) for {@code
 * soak.minutes} (30), on one embedded PostgreSQL. Every {@code soak.sampleSeconds} (60) it prints
 * one line of what grows when something leaks: heap after a full GC, live threads, open file
 * descriptors, database connections, and the projection lag. Over the last {@code
 * soak.judgedMinutes} (20) none may grow by more than {@code soak.maxGrowth} (5 %), and the lag
 * must end at {@code soak.maxLagSeconds} (5 s) at most. Prints a summary, writes it to {@code
 * target/soak/soak.md}, and exits 1 if a measure failed. Not part of CI: run with {@code mvn -B
 * -Psoak verify} (it packages the service first).
 */
public final class Soak {

  private static final Duration RUN = Duration.ofMinutes(Long.getLong("soak.minutes", 30));
  private static final Duration JUDGED = Duration.ofMinutes(Long.getLong("soak.judgedMinutes", 20));
  private static final Duration SAMPLE_EVERY =
      Duration.ofSeconds(Long.getLong("soak.sampleSeconds", 60));
  private static final double MAX_GROWTH =
      Double.parseDouble(System.getProperty("soak.maxGrowth", "0.05"));

  /** Lag is near 0 while all is well, so a relative growth says nothing: it is judged absolute. */
  private static final double MAX_LAG_SECONDS =
      Double.parseDouble(System.getProperty("soak.maxLagSeconds", "5"));

  private static final int CLIENTS = Integer.getInteger("soak.clients", 16);
  private static final Duration PAUSE = Duration.ofMillis(Long.getLong("soak.pauseMillis", 100));
  private static final int STEPS_PER_CASE = Integer.getInteger("soak.stepsPerCase", 8);

  /** Samples taken, one at the end of each period: sample n at n × SAMPLE_EVERY. */
  private static final int SAMPLES = (int) (RUN.toSeconds() / SAMPLE_EVERY.toSeconds());

  /** The sample the judged window starts with: the last JUDGED of the run. */
  private static final int FIRST_JUDGED =
      (int) Math.max(1, RUN.minus(JUDGED).toSeconds() / SAMPLE_EVERY.toSeconds());

  /** The read side's lag gauges on the management port's /metrics (see MetricsStartup). */
  private static final String LAG_SECONDS = "caseflow_projection_lag_seconds";

  private static final String LAG_EVENTS = "caseflow_projection_lag_events";

  /**
   * A line of {@code GC.heap_info} for the heap (G1) or for one of its generations (serial and
   * parallel collectors, summed): "total 262144K, used 123456K". Not Metaspace's, which has no
   * total.
   */
  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

  /**
   * The service's connections to its database: those of its two roles (the owner's too, should the
   * service keep one), not this sampler's own, nor PostgreSQL's workers (autovacuum).
   */
  private static final String CONNECTIONS =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND usename::text IN (?, ?) AND pid <> pg_backend_pid()";

  /** One sample: what grows when something leaks, and the load since the sample before. */
  private record Sample(
      int number,
      double minute,
      long heapBytes,
      long threads,
      long fileDescriptors,
      long databaseConnections,
      double lagSeconds,
      long lagEvents,
      long requests,
      long casesOpened) {

    double heapMib() {
      return heapBytes / (1024.0 * 1024);
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "minute %5.1f: heap after GC %6.1f MiB, %4d threads, %4d fds, %3d db connections,"
              + " lag %5.2f s (%d events), %6d requests, %6d cases opened",
          minute,
          heapMib(),
          threads,
          fileDescriptors,
          databaseConnections,
          lagSeconds,
          lagEvents,
          requests,
          casesOpened);
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "| %.1f | %.1f | %d | %d | %d | %.2f | %d | %d | %d |",
          minute,
          heapMib(),
          threads,
          fileDescriptors,
          databaseConnections,
          lagSeconds,
          lagEvents,
          requests,
          casesOpened);
    }
  }

  /** One measure judged over the window: its value at the window's start and at its end. */
  private record Verdict(
      String measure, String start, String end, String change, String limit, boolean passed) {

    String row() {
      String verdict = passed ? "PASS" : "FAIL";
      return "| " + String.join(" | ", measure, start, end, change, limit, verdict) + " |";
    }
  }

  private final Path work = Path.of("target", "soak");
  private TestPostgres.Database database;
  private ServiceProcess service;
  private ApiClient management;

  public static void main(String[] args) {
    boolean passed = false;
    try {
      passed = new Soak().run();
    } catch (Exception | Error e) {
      e.printStackTrace();
    }
    // at once, whatever threads are left: the service was stopped on the way out of run()
    System.exit(passed ? 0 : 1);
  }

  private boolean run() throws Exception {
    checkSettings();
    Files.createDirectories(work);
    database = TestPostgres.newDatabase();
    Path dataDir = Files.createTempDirectory(work, "caseflow");
    service = ServiceProcess.onPostgres(dataDir, database);
    // a soak cut short (Ctrl-C, a cancelled build) must not leave the service running
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "soak-stop-service"));
    try {
      service.start().awaitReady();
      management = new ApiClient(service.managementUrl());
      log("service " + service.pid() + " ready, its output in " + dataDir.resolve("service.log"));
      SoakLoad load = new SoakLoad(service.baseUrl(), CLIENTS, PAUSE, STEPS_PER_CASE);
      List<Sample> samples;
      try {
        load.start();
        samples = sampleUntilTheEnd(load);
      } finally {
        load.stop();
      }
      SoakLoad.Totals totals = load.totals();
      List<Verdict> verdicts = judge(samples, totals);
      List<String> report = report(samples, verdicts, totals);
      System.out.println();
      report.forEach(System.out::println);
      Files.write(work.resolve("soak.md"), report);
      System.out.println("\n(written to " + work.resolve("soak.md") + ")");
      return verdicts.stream().allMatch(Verdict::passed);
    } finally {
      service.close();
    }
  }

  /** The window must hold four samples at least: the heap is judged on two at each end. */
  private static void checkSettings() {
    if (JUDGED.compareTo(RUN) >= 0 || SAMPLES - FIRST_JUDGED + 1 < 4) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "soak.judgedMinutes (%d) must be less than soak.minutes (%d) and hold at least four"
                  + " samples of soak.sampleSeconds (%d)",
              JUDGED.toMinutes(),
              RUN.toMinutes(),
              SAMPLE_EVERY.toSeconds()));
    }
  }

  /** One sample at the end of each period of the run, printed as it is taken. */
  private List<Sample> sampleUntilTheEnd(SoakLoad load) throws Exception {
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    long requestsBefore = 0;
    for (int n = 1; n <= SAMPLES; n++) {
      sleepUntil(start + n * SAMPLE_EVERY.toNanos());
      if (!service.isAlive()) {
        throw new IllegalStateException("The service exited during the soak:\n" + outputTail());
      }
      SoakLoad.Totals soFar = load.totals();
      Sample sample = sample(n, soFar.requests() - requestsBefore, soFar.casesOpened());
      requestsBefore = soFar.requests();
      samples.add(sample);
      log(sample.line());
    }
    return samples;
  }

  /**
   * The file descriptors are counted before {@code /metrics} is scraped: the scrape's connection
   * would be one of them.
   */
  private Sample sample(int number, long requests, long casesOpened) throws Exception {
    long pid = service.pid();
    long heap = heapAfterFullGc(pid);
    long threads = Jcmd.counter(pid, "java.threads.live");
    long fileDescriptors = openFileDescriptors(pid);
    long connections = databaseConnections();
    PrometheusText metrics = PrometheusText.parse(management.get("/metrics", null).text());
    return new Sample(
        number,
        number * SAMPLE_EVERY.toSeconds() / 60.0,
        heap,
        threads,
        fileDescriptors,
        connections,
        lagSeconds(metrics),
        (long) metrics.sum(LAG_EVENTS),
        requests,
        casesOpened);
  }

  /** Heap in use after a full GC, which leaves what is still reachable: what a leak makes grow. */
  private static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
    Jcmd.run(pid, "GC.run");
    String info = Jcmd.run(pid, "GC.heap_info");
    Matcher used = HEAP_USED.matcher(info);
    long kilobytes = 0;
    boolean found = false;
    while (used.find()) {
      kilobytes += Long.parseLong(used.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("Cannot read heap use from: " + info);
    }
    return kilobytes * 1024;
  }

  /** Entries of /proc/PID/fd: the files, sockets and pipes the service holds open (Linux). */
  private static long openFileDescriptors(long pid) throws IOException {
    try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return descriptors.count();
    }
  }

  private long databaseConnections() throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement count = connection.prepareStatement(CONNECTIONS)) {
      count.setString(1, database.user());
      count.setString(2, database.owner());
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** The slowest projection's lag: the age of the oldest event it has not applied yet. */
  private static double lagSeconds(PrometheusText metrics) {
    List<PrometheusText.Sample> lags = metrics.find(LAG_SECONDS);
    if (lags.isEmpty()) {
      throw new IllegalStateException("No " + LAG_SECONDS + " on the management port's /metrics");
    }
    double slowest = 0;
    for (PrometheusText.Sample lag : lags) {
      slowest = Math.max(slowest, lag.value());
    }
    return slowest;
  }

  private static List<Verdict> judge(List<Sample> samples, SoakLoad.Totals totals) {
    List<Sample> window = samples.subList(FIRST_JUDGED - 1, samples.size());
    return List.of(
        heap(window),
        growth("live threads", window, Sample::threads),
        growth("open file descriptors", window, Sample::fileDescriptors),
        growth("database connections", window, Sample::databaseConnections),
        lag(window),
        errors(totals));
  }

  /**
   * A full GC still leaves some garbage, more or less from one sample to the next: the heap is
   * judged on the mean of the window's first two samples and that of its last two.
   */
  private static Verdict heap(List<Sample> window) {
    int last = window.size() - 1;
    double start = (window.get(0).heapMib() + window.get(1).heapMib()) / 2;
    double end = (window.get(last - 1).heapMib() + window.get(last).heapMib()) / 2;
    return relative("heap after full GC, MiB (mean of two samples)", start, end, "%.1f");
  }

  private static Verdict growth(String measure, List<Sample> window, ToLongFunction<Sample> value) {
    double start = value.applyAsLong(window.get(0));
    double end = value.applyAsLong(window.get(window.size() - 1));
    return relative(measure, start, end, "%.0f");
  }

  /** The growth from start to end against the tolerance; from 0, any growth fails. */
  private static Verdict relative(String measure, double start, double end, String format) {
    double growth = start == 0 ? (end == 0 ? 0 : Double.POSITIVE_INFINITY) : (end - start) / start;
    return new Verdict(
        measure,
        String.format(Locale.ROOT, format, start),
        String.format(Locale.ROOT, format, end),
        String.format(Locale.ROOT, "%+.1f %%", growth * 100),
        String.format(Locale.ROOT, "at most %+.1f %%", MAX_GROWTH * 100),
        growth <= MAX_GROWTH);
  }

  /** Judged absolute (see MAX_LAG_SECONDS): the lag at the end of the run. */
  private static Verdict lag(List<Sample> window) {
    double start = window.get(0).lagSeconds();
    double end = window.get(window.size() - 1).lagSeconds();
    double highest = window.stream().mapToDouble(Sample::lagSeconds).max().orElse(0);
    return new Verdict(
        "projection lag, s (absolute)",
        String.format(Locale.ROOT, "%.2f", start),
        String.format(Locale.ROOT, "%.2f", end),
        String.format(Locale.ROOT, "highest %.2f", highest),
        String.format(Locale.ROOT, "at most %.1f s at the end", MAX_LAG_SECONDS),
        end <= MAX_LAG_SECONDS);
  }

  /** Not a figure that grows, but a soak the service answered with errors is no pass. */
  private static Verdict errors(SoakLoad.Totals totals) {
    return new Verdict(
        "errors over the run (5xx other than 503, no answer)",
        "-",
        Long.toString(totals.errors()),
        "-",
        "none",
        totals.errors() == 0);
  }

  private static List<String> report(
      List<Sample> samples, List<Verdict> verdicts, SoakLoad.Totals totals) {
    StringJoiner statuses = new StringJoiner(", ");
    totals.byStatus().forEach((status, count) -> statuses.add(status + ": " + count));
    List<String> report = new ArrayList<>();
    report.add(
        String.format(
            Locale.ROOT,
            "## Soak: %d min of mixed load, judged over the last %d min",
            RUN.toMinutes(),
            JUDGED.toMinutes()));
    report.add("");
    report.add(
        String.format(
            Locale.ROOT,
            "%s: %d clients, each pausing %d ms before every request; service %s on an embedded"
                + " PostgreSQL; %d cases opened; %d requests by status: %s",
            Instant.now(),
            CLIENTS,
            PAUSE.toMillis(),
            System.getProperty("service.heap", "-Xmx512m"),
            totals.casesOpened(),
            totals.requests(),
            statuses));
    report.add("");
    report.add(
        String.format(
            Locale.ROOT,
            "| measure | minute %.1f | minute %.1f | change | limit | verdict |",
            samples.get(FIRST_JUDGED - 1).minute(),
            samples.get(samples.size() - 1).minute()));
    report.add("|---|---|---|---|---|---|");
    verdicts.forEach(verdict -> report.add(verdict.row()));
    report.add("");
    report.add(
        "Each heap figure is taken after a full GC of the service (jcmd GC.run), which still"
            + " leaves some garbage: the heap is compared on the mean of the window's first two"
            + " samples and that of its last two. Projection lag is near 0 while all is well, so"
            + " it is judged absolute, at the end of the run, rather than by its growth.");
    report.add("");
    report.add(
        "| minute | heap MiB | threads | fds | db connections | lag s | lag events | requests |"
            + " cases opened |");
    report.add("|---|---|---|---|---|---|---|---|---|");
    samples.forEach(sample -> report.add(sample.row()));
    report.add("");
    report.add(outcome(verdicts));
    return report;
  }

  private static String outcome(List<Verdict> verdicts) {
    List<String> failed = new ArrayList<>();
    for (Verdict verdict : verdicts) {
      if (!verdict.passed()) {
        failed.add(verdict.measure());
      }
    }
    return failed.isEmpty() ? "**PASS**" : "**FAIL**: " + String.join("; ", failed);
  }

  /** The end of the service's output, where a crash says why. */
  private String outputTail() {
    String output = service.output();
    return output.substring(Math.max(0, output.length() - 5000));
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void log(String line) {
    System.out.println("[soak] " + line);
  }
}
