package io.caseflow.http;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of one JWT issuer: its key set, fetched on first use and held. A token whose key
 * is held never waits. A token whose key is not asks for a fetch that starts after it asked, and
 * waits for it without holding a thread: fetches run one at a time, at most one a second, and every
 * token that asks before the next one starts shares it. A flood of made-up key ids thus costs one
 * fetch a second, and a key the issuer has just rotated in is taken by its first token within about
 * a second, flood or not. A fetch that fails keeps the keys held, so while the issuer is
 * unreachable only tokens of keys not seen yet are refused. The set is fetched again in the
 * background once it is five minutes old, so that a key the issuer withdraws stops being accepted.
 *
 * <p>Not nimbus-jose-jwt's {@code JWKSourceBuilder} (10.10): its {@code RateLimitedJWKSetSource}
 * lets two fetches through per interval (30 s by default) and then throws {@code
 * RateLimitReachedException} rather than waiting, and it sits below the cache, so junk key ids
 * spend the allowance a real rotation needs, which then is refused for up to the whole interval;
 * and its {@code JWKSetBasedJWKSource} fetches on the calling thread, which would park a verifying
 * thread for every waiting token. nimbus still fetches and parses the set (see {@link
 * JwtAuthenticator}).
 */
final class IssuerKeys {

  /** The least time between the starts of two fetches. */
  static final Duration FETCH_INTERVAL = Duration.ofSeconds(1);

  /** The age at which the set held is fetched again, in the background (nimbus's cache's). */
  static final Duration REFRESH_AFTER = Duration.ofMinutes(5);

  /** After a background fetch failed, the time before the next one (unknown keys ask sooner). */
  static final Duration REFRESH_RETRY = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);

  /** Fetches the issuer's key set, blocking; fails with any exception. */
  @FunctionalInterface
  interface Fetch {
    JWKSet keySet() throws Exception;
  }

  /** The keys held and when ({@link System#nanoTime}) to fetch them again in the background. */
  private record Held(JWKSet keys, long refreshAt) {}

  private final String issuer;
  private final Fetch fetch;
  private final Executor fetching;
  private final Duration refreshAfter;
  private volatile Held held;

  // guarded by this: the fetch asked for and not started yet, shared by all who ask until it
  // starts; whether a fetch is scheduled or running (it then starts the one asked for when done);
  // when the last one started
  private CompletableFuture<JWKSet> asked;
  private boolean busy;
  private boolean fetchedBefore;
  private long lastStart;

  // touched by the one fetch running only, each after the last (ordered by the lock)
  private boolean failing;

  /**
   * {@code fetching} runs the fetches, one at a time; they block for up to a timeout. The keys are
   * fetched again once {@code refreshAfter} old ({@link #REFRESH_AFTER}; tests: shorter).
   */
  IssuerKeys(String issuer, Fetch fetch, Executor fetching, Duration refreshAfter) {
    this.issuer = Objects.requireNonNull(issuer);
    this.fetch = Objects.requireNonNull(fetch);
    this.fetching = Objects.requireNonNull(fetching);
    this.refreshAfter = Objects.requireNonNull(refreshAfter);
    this.held = new Held(new JWKSet(), System.nanoTime() + refreshAfter.toNanos());
  }

  /** The keys held now (none before the first fetch); asks for a fetch when they are due one. */
  JWKSet held() {
    Held current = held;
    if (System.nanoTime() - current.refreshAt() >= 0) {
      fetchedAfterNow();
    }
    return current.keys();
  }

  /**
   * The key set of a fetch that starts after this call, as soon as the interval allows; the keys
   * held when that fetch fails.
   */
  CompletionStage<JWKSet> fetchedAfterNow() {
    CompletableFuture<JWKSet> answer;
    long wait;
    synchronized (this) {
      if (asked != null) {
        return asked.minimalCompletionStage();
      }
      asked = answer = new CompletableFuture<>();
      if (busy) {
        return answer.minimalCompletionStage();
      }
      busy = true;
      wait = untilNextStart();
    }
    start(wait);
    return answer.minimalCompletionStage();
  }

  /** Holds the lock. */
  private long untilNextStart() {
    return fetchedBefore ? lastStart + FETCH_INTERVAL.toNanos() - System.nanoTime() : 0;
  }

  /**
   * Always through the delaying executor, even with no wait: a fetch run on the thread that asked,
   * or nested in the fetch before it, would stack up under a flood when {@code fetching} runs tasks
   * in place.
   */
  private void start(long waitNanos) {
    Executor guarded =
        task -> {
          try {
            fetching.execute(task);
          } catch (RejectedExecutionException e) {
            // the node is stopping: answer the waiting tokens rather than leave them hanging
            abandon();
          }
        };
    CompletableFuture.delayedExecutor(Math.max(waitNanos, 0), TimeUnit.NANOSECONDS, guarded)
        .execute(this::fetch);
  }

  private void fetch() {
    CompletableFuture<JWKSet> answering;
    synchronized (this) {
      answering = asked;
      asked = null;
      fetchedBefore = true;
      lastStart = System.nanoTime();
    }
    try {
      answering.complete(fetchOrKeep());
    } finally {
      // answered and followed by the next fetch asked for, whatever the fetch threw
      answering.complete(held.keys());
      startAskedOrIdle();
    }
  }

  private void startAskedOrIdle() {
    long wait;
    synchronized (this) {
      if (asked == null) {
        busy = false;
        return;
      }
      wait = untilNextStart();
    }
    start(wait);
  }

  private JWKSet fetchOrKeep() {
    Held before = held;
    try {
      JWKSet keys = fetch.keySet();
      held = new Held(keys, System.nanoTime() + refreshAfter.toNanos());
      if (failing || !keyIds(keys).equals(keyIds(before.keys()))) {
        log.info("JWT issuer {} has the keys {}", issuer, keyIds(keys));
      }
      failing = false;
      return keys;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      long retry = Math.min(REFRESH_RETRY.toNanos(), refreshAfter.toNanos());
      held = new Held(before.keys(), System.nanoTime() + retry);
      if (!failing) {
        // once per outage: an unreachable issuer is asked again up to once a second
        log.warn(
            "Cannot fetch the keys of JWT issuer {}; keeping the {} held: {}",
            issuer,
            before.keys().size(),
            e.toString());
      }
      failing = true;
      return before.keys();
    }
  }

  private void abandon() {
    CompletableFuture<JWKSet> answering;
    synchronized (this) {
      answering = asked;
      asked = null;
      busy = false;
    }
    if (answering != null) {
      answering.complete(held.keys());
    }
  }

  private static List<String> keyIds(JWKSet keys) {
    return keys.getKeys().stream().map(JWK::getKeyID).map(String::valueOf).sorted().toList();
  }
}
