package io.caseflow.bench;

import io.caseflow.testing.ApiClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A closed-loop HTTP load: {@code clients} concurrent clients, each cycling its own share of the
 * cases through submit, then request_changes and resubmit in turn, for a fixed time. Every
 * request's latency is kept; a case whose request fails leaves the rotation (its state is then
 * unknown), and the failure is counted.
 */
final class LoadGenerator implements Load {

  private String baseUrl;
  private List<String> caseIds;

  /**
   * Each case's next step in this run. The two services are driven over the same case ids, each in
   * its own database, so every run starts at step 0: steps kept from Caseflow's run sent the
   * baseline's fresh cases an action their state refuses, and every baseline request failed.
   */
  private ConcurrentHashMap<String, Integer> steps = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "Java HTTP client in the harness JVM";
  }

  @Override
  public Result run(String baseUrl, List<String> caseIds, int clients, Duration duration)
      throws Exception {
    this.baseUrl = baseUrl;
    this.caseIds = caseIds;
    this.steps = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicBoolean running = new AtomicBoolean(true);
    List<Future<long[]>> results = new ArrayList<>();
    long[] errors = new long[clients];
    for (int c = 0; c < clients; c++) {
      int client = c;
      results.add(pool.submit(() -> drive(client, clients, running, errors)));
    }
    long start = System.nanoTime();
    Thread.sleep(duration.toMillis());
    running.set(false);
    List<long[]> latencies = new ArrayList<>();
    for (Future<long[]> result : results) {
      latencies.add(result.get());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(
        all.length,
        Arrays.stream(errors).sum(),
        seconds,
        percentileMillis(all, 50),
        percentileMillis(all, 99),
        percentileMillis(all, 99.9));
  }

  private static double percentileMillis(long[] sortedNanos, double percentile) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int index =
        (int)
            Math.min(sortedNanos.length - 1, Math.ceil(percentile / 100 * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, index)] / 1_000_000.0;
  }

  private long[] drive(int client, int clients, AtomicBoolean running, long[] errors) {
    ApiClient api = new ApiClient(baseUrl);
    List<String> mine = new ArrayList<>();
    for (int i = client; i < caseIds.size(); i += clients) {
      mine.add(caseIds.get(i));
    }
    long[] latencies = new long[1 << 16];
    int count = 0;
    int next = 0;
    while (running.get() && !mine.isEmpty()) {
      String id = mine.get(next++ % mine.size());
      int step = steps.getOrDefault(id, 0);
      String action = step == 0 ? "submit" : step % 2 == 1 ? "request_changes" : "resubmit";
      String user = step % 2 == 1 ? "bob" : "alice";
      String body = step % 2 == 1 ? "{\"comment\":\"please add the register extract\"}" : null;
      long sent = System.nanoTime();
      int status;
      try {
        status = api.post("/cases/" + id + "/actions/" + action, user, body).status();
      } catch (UncheckedIOException e) {
        status = -1;
      }
      long took = System.nanoTime() - sent;
      if (status == 200) {
        if (count == latencies.length) {
          latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = took;
        steps.put(id, step + 1);
      } else {
        errors[client]++;
        mine.remove(id);
      }
    }
    return Arrays.copyOf(latencies, count);
  }
}
