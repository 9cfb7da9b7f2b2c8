package io.caseflow.testing;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Many due-diligence cases driven concurrently over HTTP, each through a fixed series of actions
 * (submit, then request_changes / resubmit in turn), plus one comment and one assignment. Counts
 * what the service acknowledged; a refused or failed request is counted apart, never assumed to
 * have happened.
 */
public final class CaseWorkload {

  /**
   * @param caseIds every case whose open was attempted (an unacknowledged open may still have
   *     happened)
   */
  public record Result(List<String> caseIds, int actionsAcknowledged, int failures) {}

  private final ApiClient api;
  private final String prefix = "load-" + UUID.randomUUID().toString().substring(0, 8) + "-";

  public CaseWorkload(ApiClient api) {
    this.api = api;
  }

  /** Opens {@code cases} cases and performs {@code actionsPerCase} workflow actions on each. */
  public Result run(int cases, int actionsPerCase, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger acknowledged = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < cases; c++) {
        String id = prefix + c;
        running.add(pool.submit(() -> drive(id, actionsPerCase, ids, acknowledged, failures)));
      }
      for (Future<?> task : running) {
        task.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(List.copyOf(ids), acknowledged.get(), failures.get());
  }

  private void drive(
      String id,
      int actions,
      List<String> ids,
      AtomicInteger acknowledged,
      AtomicInteger failures) {
    ids.add(id);
    String open =
        "{\"id\":\""
            + id
            + "\",\"workflow\":\"due-diligence\",\"subject\":\""
            + id
            + "\",\"data\":{\"riskLevel\":\"medium\"}}";
    if (!ok(() -> api.post("/cases", "alice", open), failures)) {
      return;
    }
    ok(() -> api.post("/cases/" + id + "/assignee", "carol", "{\"assignee\":\"bob\"}"), failures);
    for (int n = 0; n < actions; n++) {
      if (!ok(action(id, n), failures)) {
        return;
      }
      acknowledged.incrementAndGet();
      if (n == actions / 2) {
        ok(
            () -> api.post("/cases/" + id + "/comments", "bob", "{\"text\":\"half way\"}"),
            failures);
      }
    }
  }

  /** The n-th action: submit, then request_changes and resubmit in turn. */
  private Supplier<ApiClient.Response> action(String id, int n) {
    if (n == 0) {
      return () -> api.post("/cases/" + id + "/actions/submit", "alice", null);
    }
    if (n % 2 == 1) {
      return () ->
          api.post(
              "/cases/" + id + "/actions/request_changes",
              "bob",
              "{\"comment\":\"round " + n + "\"}");
    }
    return () -> api.post("/cases/" + id + "/actions/resubmit", "alice", null);
  }

  /** Whether the request was acknowledged; a refused connection counts as a failure. */
  private static boolean ok(Supplier<ApiClient.Response> request, AtomicInteger failures) {
    boolean ok;
    try {
      int status = request.get().status();
      ok = status == 200 || status == 201;
    } catch (UncheckedIOException unreachable) {
      ok = false;
    }
    if (!ok) {
      failures.incrementAndGet();
    }
    return ok;
  }
}
