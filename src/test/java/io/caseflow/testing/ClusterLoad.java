package io.caseflow.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.testing.ApiClient.Response;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;

/**
 * A steady stream of actions over HTTP spread across a cluster's nodes, one client per case, that
 * records every acknowledged action. Each action keeps its Idempotency-Key across retries (on any
 * node still in use) until it is acknowledged, so it is recorded exactly once however often it was
 * sent; {@code 503} is retried, any other refusal fails the load, and so does a {@code 503} without
 * {@code Retry-After}.
 */
public final class ClusterLoad implements AutoCloseable {

  /**
   * One acknowledged action: the case version it produced, when the attempt that was acknowledged
   * was sent and when its answer came, and which node answered.
   */
  public record Ack(String caseId, long version, long sentNanos, long atNanos, String url) {}

  /** The demo principal every case of the load is opened and driven by belongs to this tenant. */
  private static final String TENANT = "acme";

  /** Where the service puts a case: Pekko's default extractor, with the shared configuration. */
  private static final HashCodeMessageExtractor<Object> SHARDS =
      new HashCodeMessageExtractor<>(
          ConfigFactory.load().getInt("pekko.cluster.sharding.number-of-shards"));

  private final List<String> urls;
  private final List<String> cases;
  private final Duration giveUp;
  private final Set<String> inUse = ConcurrentHashMap.newKeySet();

  /**
   * One HTTP client per node for the whole load, as a real client keeps its connections (a client
   * per attempt made thousands of JDK HTTP clients, each with its own selector thread).
   */
  private final Map<String, ApiClient> apis = new ConcurrentHashMap<>();

  private final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger failedAttempts = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final Set<String> unavailableCodes = ConcurrentHashMap.newKeySet();
  private final ExecutorService clients;
  private final List<Future<?>> running = new ArrayList<>();
  private volatile long startedNanos;
  private volatile Duration pause = Duration.ZERO;
  private volatile long stoppedNanos;

  /** Longer than the service's ask timeout (5 s): the wait was not the service's own. */
  private static final Duration SLOW_ATTEMPT = Duration.ofSeconds(6);

  private final List<String> slowAttempts = Collections.synchronizedList(new ArrayList<>());

  /** Opens {@code caseCount} cases named {@code prefix-i}, spread over the nodes. */
  public ClusterLoad(List<String> urls, String prefix, int caseCount, Duration giveUp) {
    this.urls = new CopyOnWriteArrayList<>(urls);
    this.cases = IntStream.range(0, caseCount).mapToObj(i -> prefix + "-" + i).toList();
    this.giveUp = giveUp;
    this.inUse.addAll(urls);
    urls.forEach(url -> this.apis.put(url, new ApiClient(url)));
    this.clients = Executors.newFixedThreadPool(caseCount);
    for (int i = 0; i < cases.size(); i++) {
      Response opened =
          apis.get(urls.get(i % urls.size()))
              .post(
                  "/cases",
                  "alice",
                  "{\"id\":\""
                      + cases.get(i)
                      + "\",\"workflow\":\"due-diligence\",\"subject\":\""
                      + cases.get(i)
                      + "\"}");
      assertEquals(201, opened.status(), opened::toString);
    }
  }

  public List<String> cases() {
    return cases;
  }

  /**
   * Each client waits this long after an acknowledgement before its next action (none by default):
   * a steady load that leaves the machine room to start nodes, rather than the most the nodes can
   * take.
   */
  public ClusterLoad pausing(Duration pause) {
    this.pause = pause;
    return this;
  }

  public void start() {
    startedNanos = System.nanoTime();
    for (int i = 0; i < cases.size(); i++) {
      String caseId = cases.get(i);
      int firstNode = i;
      running.add(clients.submit(() -> drive(caseId, firstNode)));
    }
  }

  /** Clients stop sending to this node (it is about to be killed, frozen, …). */
  public void avoid(String url) {
    inUse.remove(url);
  }

  /** Clients send to this node too from now on (it joined the cluster). */
  public void use(String url) {
    apis.computeIfAbsent(url, ApiClient::new);
    if (!urls.contains(url)) {
      urls.add(url);
    }
    inUse.add(url);
  }

  /**
   * A client that stopped on an unexpected answer (a 500, a 503 without Retry-After, a case that
   * took no command for the give-up time) fails the waiting test with its own message: its case
   * would otherwise just never be acknowledged again.
   */
  private void failIfAClientFailed() throws InterruptedException {
    for (Future<?> client : running) {
      if (client.isDone() && !client.isCancelled()) {
        try {
          client.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError("a client of the load failed: " + e.getCause(), e.getCause());
        }
      }
    }
  }

  /** Stops the load and waits for the clients; a client that failed fails this. */
  public void stop() throws Exception {
    stoppedNanos = System.nanoTime();
    stop.set(true);
    for (Future<?> client : running) {
      client.get();
    }
    clients.shutdown();
  }

  public int acknowledged() {
    return acks.size();
  }

  /** Every acknowledged action so far. */
  public List<Ack> acks() {
    synchronized (acks) {
      return List.copyOf(acks);
    }
  }

  public int failedAttempts() {
    return failedAttempts.get();
  }

  /** Attempts that took longer than the service's ask timeout: case, node, time, outcome. */
  public List<String> slowAttempts() {
    synchronized (slowAttempts) {
      return List.copyOf(slowAttempts);
    }
  }

  /** Attempts a node answered 503: its case was out of reach (moving, or no database). */
  public int unavailableAnswers() {
    return unavailable.get();
  }

  /** The codes the 503 answers carried. */
  public Set<String> unavailableCodes() {
    return Set.copyOf(unavailableCodes);
  }

  /**
   * The cases of the load each node hosts, one set per Pekko Management URL given: the node's case
   * shard region reports its shards ({@code GET /cluster/shards/Case}), and a case is hosted where
   * its shard is. Asked until every case is on exactly one of the nodes (a shard being handed over
   * is on neither), up to 30 s; so this also fails if a case is hosted by none of them.
   */
  public List<Set<String>> casesHostedBy(List<String> managementUrls) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      List<Set<String>> hosted = new ArrayList<>();
      for (String url : managementUrls) {
        Set<String> shards = new HashSet<>();
        Response regions =
            new ApiClient(url).get("/cluster/shards/" + CaseEntity.TYPE_KEY.name(), null);
        assertEquals(200, regions.status(), () -> url + ": " + regions);
        regions.json().get("regions").forEach(shard -> shards.add(shard.get("shardId").asText()));
        Set<String> cases = new TreeSet<>();
        for (String caseId : this.cases) {
          if (shards.contains(SHARDS.shardId(new CaseId(TENANT, caseId).entityId()))) {
            cases.add(caseId);
          }
        }
        hosted.add(cases);
      }
      List<String> placed = hosted.stream().flatMap(Set::stream).toList();
      if (placed.size() == cases.size() && new HashSet<>(placed).containsAll(cases)) {
        return hosted;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "the nodes' case shards did not account for each case exactly once: " + hosted);
      }
      Thread.sleep(250);
    }
  }

  /**
   * The cases that got an acknowledgement from one of {@code urls} of a command sent after {@code
   * sinceNanos}.
   */
  public Set<String> acknowledgedAfterBy(long sinceNanos, Collection<String> urls) {
    Set<String> acknowledged = new TreeSet<>();
    synchronized (acks) {
      for (Ack ack : acks) {
        if (ack.sentNanos() > sinceNanos && urls.contains(ack.url())) {
          acknowledged.add(ack.caseId());
        }
      }
    }
    return acknowledged;
  }

  /**
   * The cases {@code moved} (a failed node's) took commands from {@code survivors} after {@code
   * faultNanos} (not from the failed node itself, answering when it woke), and the survivors host
   * them now.
   */
  public void assertTakenOverBy(Set<String> moved, long faultNanos, List<ServiceProcess> survivors)
      throws InterruptedException {
    Set<String> takenOver = acknowledgedAfterBy(faultNanos, LocalCluster.urls(survivors));
    assertTrue(
        takenOver.containsAll(moved),
        () -> "the failed node's cases " + moved + " took commands on the survivors: " + takenOver);
    List<Set<String>> hosted = casesHostedBy(LocalCluster.managementUrls(survivors));
    assertTrue(
        hosted.stream().flatMap(Set::stream).toList().containsAll(moved),
        () -> "the survivors host the failed node's cases " + moved + ": " + hosted);
  }

  /**
   * How long after {@code sinceNanos} the last case got its first acknowledgement of a command sent
   * after it, waiting up to the give-up time; fails naming the cases that got none. (An answer to a
   * command sent before, still in flight, says nothing of the case after the fault.)
   */
  public Duration awaitEveryCaseAcknowledgedAfter(long sinceNanos) throws InterruptedException {
    long deadline = sinceNanos + giveUp.toNanos();
    Map<String, Long> first = new HashMap<>();
    while (System.nanoTime() < deadline) {
      failIfAClientFailed();
      first.clear();
      synchronized (acks) {
        for (Ack ack : acks) {
          if (ack.sentNanos() > sinceNanos) {
            first.merge(ack.caseId(), ack.atNanos(), Math::min);
          }
        }
      }
      if (first.keySet().containsAll(cases)) {
        long last = first.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        return Duration.ofNanos(last - sinceNanos);
      }
      Thread.sleep(200);
    }
    List<String> silent = cases.stream().filter(caseId -> !first.containsKey(caseId)).toList();
    throw new AssertionError(
        "no command sent after the fault was acknowledged within "
            + giveUp
            + " for "
            + silent
            + "; slow attempts: "
            + slowAttempts());
  }

  /**
   * The longest any one case went without an acknowledged action across {@code faultNanos}: from
   * its last acknowledgement before the fault to its first after it. Unlike the time to the first
   * acknowledgement after the fault, this includes the command that was in flight when it struck.
   */
  public Duration longestGapAcross(long faultNanos) {
    Map<String, Long> lastBefore = new HashMap<>();
    Map<String, Long> firstAfter = new HashMap<>();
    synchronized (acks) {
      for (Ack ack : acks) {
        if (ack.atNanos() <= faultNanos) {
          lastBefore.merge(ack.caseId(), ack.atNanos(), Math::max);
        } else {
          firstAfter.merge(ack.caseId(), ack.atNanos(), Math::min);
        }
      }
    }
    long longest = 0;
    for (String caseId : cases) {
      Long after = firstAfter.get(caseId);
      assertTrue(after != null, caseId + " was never acknowledged after the fault");
      longest = Math.max(longest, after - lastBefore.getOrDefault(caseId, startedNanos));
    }
    return Duration.ofNanos(longest);
  }

  /**
   * The longest any one case went without an acknowledged action over the whole load: from the
   * start or an acknowledgement to its next one, and from its last to the load's end (or now). What
   * a user of that case waited at worst, whatever the cause.
   */
  public Duration longestGap() {
    Map<String, List<Long>> times = new HashMap<>();
    synchronized (acks) {
      for (Ack ack : acks) {
        times.computeIfAbsent(ack.caseId(), id -> new ArrayList<>()).add(ack.atNanos());
      }
    }
    long end = stoppedNanos != 0 ? stoppedNanos : System.nanoTime();
    long longest = 0;
    for (String caseId : cases) {
      long previous = startedNanos;
      List<Long> acknowledged = times.getOrDefault(caseId, List.of());
      for (long at : acknowledged.stream().sorted().toList()) {
        longest = Math.max(longest, at - previous);
        previous = at;
      }
      longest = Math.max(longest, end - previous);
    }
    return Duration.ofNanos(longest);
  }

  /**
   * Checks every case's journal through {@code api}: sequence numbers contiguous, each event after
   * the opening one acknowledged action, the hash chain valid. Answers how many acknowledged
   * actions are missing from the journal (asserted to be none).
   */
  public int verifyJournal(ApiClient api) {
    int lost = 0;
    for (String caseId : cases) {
      JsonNode history = api.get("/cases/" + caseId + "/history", "alice").json();
      Set<Long> seqs = new TreeSet<>();
      history.forEach(event -> seqs.add(event.get("seq").asLong()));
      assertEquals(range(1, history.size()), seqs, caseId + ": contiguous sequence numbers");
      List<Long> acknowledgedVersions;
      synchronized (acks) {
        acknowledgedVersions =
            acks.stream().filter(ack -> ack.caseId().equals(caseId)).map(Ack::version).toList();
      }
      Set<Long> acknowledged = new TreeSet<>(acknowledgedVersions);
      // two answers naming one version: two writers took the case at once, or one action was
      // acknowledged twice
      assertEquals(
          acknowledged.size(),
          acknowledgedVersions.size(),
          caseId + ": no version acknowledged twice: " + acknowledgedVersions);
      lost += (int) acknowledged.stream().filter(version -> !seqs.contains(version)).count();
      assertEquals(
          range(2, history.size()),
          acknowledged,
          caseId + ": every event after the opening is one acknowledged action, once");
      assertTrue(
          api.get("/cases/" + caseId + "/history/verify", "alice").json().get("valid").asBoolean(),
          caseId + ": hash chain verifies");
    }
    assertEquals(0, lost, "acknowledged actions missing from the journal");
    return lost;
  }

  /**
   * {@link #verifyJournal} through {@code node}'s API, then waits until the read side on {@code
   * database} matches the journals. Answers how many acknowledged actions were lost (none).
   */
  public int verify(String node, TestPostgres.Database database) throws Exception {
    ApiClient api = new ApiClient(node);
    int lost = verifyJournal(api);
    new ReadSideExpectation(api, database, "alice", TENANT)
        .awaitExact(cases, Duration.ofSeconds(90));
    return lost;
  }

  @Override
  public void close() {
    stop.set(true);
    clients.shutdownNow();
  }

  private void drive(String caseId, int firstNode) {
    int node = firstNode;
    for (int step = 0; !stop.get(); step++) {
      String key = UUID.randomUUID().toString();
      long deadline = System.nanoTime() + giveUp.toNanos();
      while (true) {
        String url = urls.get(node++ % urls.size());
        if (!inUse.contains(url)) {
          continue;
        }
        long sent = System.nanoTime();
        Response response = attempt(apis.get(url), caseId, step, key);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        if (took.compareTo(SLOW_ATTEMPT) > 0) {
          slowAttempts.add(
              String.format(
                  "%s at %s: %.1f s, %s",
                  caseId,
                  url,
                  took.toMillis() / 1000.0,
                  response == null ? "unreachable" : Integer.toString(response.status())));
        }
        if (response != null && response.status() == 200) {
          acks.add(
              new Ack(
                  caseId, response.json().get("version").asLong(), sent, System.nanoTime(), url));
          if (!pause.isZero()) {
            sleep(pause.toMillis());
          }
          break;
        }
        failedAttempts.incrementAndGet();
        if (response != null && response.status() == 503) {
          unavailable.incrementAndGet();
          unavailableCodes.add(String.valueOf(response.code()));
        }
        if (response != null && response.status() != 503) {
          throw new AssertionError(caseId + ": " + response);
        }
        if (response != null && response.header("Retry-After").isEmpty()) {
          throw new AssertionError(caseId + ": a 503 that does not say when to retry: " + response);
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(caseId + " took no command for " + giveUp);
        }
        sleep(100);
      }
    }
  }

  /** submit, then request_changes and resubmit in turn; null when the node is unreachable. */
  private static Response attempt(ApiClient api, String caseId, int step, String key) {
    String path = "/cases/" + caseId + "/actions/";
    try {
      if (step == 0) {
        return api.request("POST", path + "submit", "alice")
            .header("Idempotency-Key", key)
            .body("{\"data\":{\"riskLevel\":\"low\"}}")
            .send();
      }
      return step % 2 == 1
          ? api.request("POST", path + "request_changes", "bob")
              .header("Idempotency-Key", key)
              .body("{\"comment\":\"again\"}")
              .send()
          : api.request("POST", path + "resubmit", "alice").header("Idempotency-Key", key).send();
    } catch (UncheckedIOException unreachable) {
      return null;
    }
  }

  private static Set<Long> range(long from, long toInclusive) {
    Set<Long> range = new TreeSet<>();
    for (long i = from; i <= toInclusive; i++) {
      range.add(i);
    }
    return range;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
