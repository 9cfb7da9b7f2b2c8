package io.caseflow.bench;

import io.caseflow.testing.ApiClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's mixed load over HTTP: a fixed pool of clients, each opening due-diligence cases one
 * after the other and driving each for a while (submit, then request_changes and resubmit in turn,
 * as {@code ClusterLoad} does), with a comment, the list of cases in review or the case's history
 * now and then between two steps; then it leaves the case where it is and opens the next, so the
 * cases grow in number over the run as they do in production. Each client pauses before every
 * request: a steady load, not the most the service can take. Every answer is counted by status; a
 * 5xx other than 503 (which asks for a retry) and a request that got no answer are errors.
 */
final class SoakLoad {

  /** What the clients did so far; {@code byStatus} counts "no answer" apart. */
  record Totals(long requests, long casesOpened, long errors, Map<String, Long> byStatus) {}

  /** The status of a request that got no answer (refused, reset or timed out). */
  private static final int NO_ANSWER = -1;

  /** Attempts of one workflow step while the service answers 503 or not at all. */
  private static final int MAX_ATTEMPTS = 10;

  /** Errors printed as they happen; the others are only counted. */
  private static final int ERRORS_PRINTED = 20;

  private static final String SUBMIT = "{\"data\":{\"riskLevel\":\"low\"}}";
  private static final String REQUEST_CHANGES = "{\"comment\":\"again\"}";
  private static final String COMMENT = "{\"text\":\"checked the register extract\"}";

  private final ApiClient api;
  private final int clients;
  private final Duration pause;
  private final int meanSteps;
  private final ExecutorService pool;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final LongAdder requests = new LongAdder();
  private final LongAdder casesOpened = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();

  /**
   * {@code clients} clients of the service at {@code baseUrl}, each pausing {@code pause} before
   * every request and giving a case about {@code meanSteps} workflow steps; not started yet.
   */
  SoakLoad(String baseUrl, int clients, Duration pause, int meanSteps) {
    this.api = new ApiClient(baseUrl);
    this.clients = clients;
    this.pause = pause;
    this.meanSteps = meanSteps;
    this.pool = Executors.newFixedThreadPool(clients);
  }

  void start() {
    for (int c = 0; c < clients; c++) {
      int client = c;
      pool.execute(() -> runClient(client));
    }
  }

  Totals totals() {
    Map<String, Long> statuses = new TreeMap<>();
    byStatus.forEach((status, count) -> statuses.put(status, count.sum()));
    return new Totals(requests.sum(), casesOpened.sum(), errors.sum(), statuses);
  }

  /** Stops the clients; each first gets the answer to the request it is sending. */
  void stop() {
    stopping.set(true);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One client: case after case until the load stops. */
  private void runClient(int client) {
    // seeded: two soaks of the same code send the same mix
    Random random = new Random(client);
    for (int n = 0; running(); n++) {
      String caseId = "soak-" + client + "-" + n;
      try {
        if (open(caseId)) {
          drive(caseId, 1 + random.nextInt(2 * meanSteps), random);
        }
      } catch (RuntimeException e) {
        // counted, and on to the next case: a client that died would lighten the load unseen
        if (running()) {
          error(caseId + ": " + e);
        }
      }
    }
  }

  private boolean open(String caseId) {
    String body =
        "{\"id\":\"" + caseId + "\",\"workflow\":\"due-diligence\",\"subject\":\"" + caseId + "\"}";
    if (send("POST", "/cases", "alice", body, null) != 201) {
      return false;
    }
    casesOpened.increment();
    return true;
  }

  /**
   * Takes up to {@code steps} workflow steps on the case, now and then another request between two
   * of them. A step refused, or not answered after its retries, leaves the case where it is: its
   * state is then unknown.
   */
  private void drive(String caseId, int steps, Random random) {
    for (int step = 0; step < steps && running(); step++) {
      if (!act(caseId, step)) {
        return;
      }
      between(caseId, random);
    }
  }

  /** One workflow step, retried under its Idempotency-Key while the answer is 503 or none. */
  private boolean act(String caseId, int step) {
    String key = UUID.randomUUID().toString();
    for (int attempt = 0; attempt < MAX_ATTEMPTS && running(); attempt++) {
      int status = step(caseId, step, key);
      if (status == 200) {
        return true;
      }
      if (status != 503 && status != NO_ANSWER) {
        return false;
      }
    }
    return false;
  }

  /** Submit, then request_changes and resubmit in turn. */
  private int step(String caseId, int step, String key) {
    String path = "/cases/" + caseId + "/actions/";
    if (step == 0) {
      return send("POST", path + "submit", "alice", SUBMIT, key);
    }
    if (step % 2 == 1) {
      return send("POST", path + "request_changes", "bob", REQUEST_CHANGES, key);
    }
    return send("POST", path + "resubmit", "alice", null, key);
  }

  /** A comment, the list of cases in review or the case's history, each one time in four. */
  private void between(String caseId, Random random) {
    int pick = random.nextInt(4);
    if (pick == 0) {
      send("POST", "/cases/" + caseId + "/comments", "bob", COMMENT, null);
    } else if (pick == 1) {
      send("GET", "/cases?state=in_review", "alice", null, null);
    } else if (pick == 2) {
      send("GET", "/cases/" + caseId + "/history", "alice", null, null);
    }
  }

  /**
   * Sends one request after the client's pause, with the body and Idempotency-Key given (if not
   * null), and counts its answer. Answers its status, {@link #NO_ANSWER} if none came.
   */
  private int send(String method, String path, String user, String body, String key) {
    pauseBeforeRequest();
    ApiClient.Request request = api.request(method, path, user);
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    if (body != null) {
      request.body(body);
    }
    int status;
    String answer;
    try {
      ApiClient.Response response = request.send();
      status = response.status();
      answer = response.text();
    } catch (UncheckedIOException e) {
      status = NO_ANSWER;
      answer = String.valueOf(e.getCause());
    }
    count(method + " " + path, status, answer);
    return status;
  }

  private void count(String request, int status, String answer) {
    requests.increment();
    String label = status == NO_ANSWER ? "no answer" : Integer.toString(status);
    byStatus.computeIfAbsent(label, any -> new LongAdder()).increment();
    if (status == NO_ANSWER || (status >= 500 && status != 503)) {
      error(request + " -> " + label + " " + answer);
    }
  }

  private void error(String what) {
    errors.increment();
    if (errors.sum() <= ERRORS_PRINTED) {
      System.out.println("[soak] error: " + what);
    }
  }

  private void pauseBeforeRequest() {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean running() {
    return !stopping.get() && !Thread.currentThread().isInterrupted();
  }
}
