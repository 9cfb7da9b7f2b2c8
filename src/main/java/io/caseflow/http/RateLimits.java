package io.caseflow.http;

import io.caseflow.cases.Principal;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token buckets (Bucket4j) per principal and per tenant, commands and queries apart, and per source
 * address for requests whose token was refused; and permits for open live streams. Each answer is
 * empty when the request may go on, or how long to wait.
 *
 * <p>Buckets live in memory on each node, one per key. Past {@value #MAX_KEYS} keys of one kind
 * they are all dropped and start full again: a flood of made-up keys (source addresses) cannot grow
 * the heap without bound, at the price of a moment's leniency.
 */
final class RateLimits {

  /** A refusal: what was too much, and when to try again. */
  record Limited(String what, Duration retryAfter) {
    long retryAfterSeconds() {
      return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
  }

  static final int MAX_KEYS = 100_000;

  private final RateLimitSettings settings;
  private final Map<String, Bucket> principals = new ConcurrentHashMap<>();
  private final Map<String, Bucket> tenants = new ConcurrentHashMap<>();
  private final Map<String, Bucket> addresses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> streamsByPrincipal = new ConcurrentHashMap<>();
  private final AtomicInteger streams = new AtomicInteger();

  RateLimits(RateLimitSettings settings) {
    this.settings = settings;
  }

  /** A request of an authenticated principal: a command unless {@code query}. */
  Optional<Limited> request(Principal principal, boolean query) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    String kind = query ? "queries" : "commands";
    Optional<Limited> byPrincipal =
        take(
            principals,
            kind + "|" + principal.tenant() + "|" + principal.userId(),
            query ? settings.principalQueries() : settings.principalCommands(),
            kind + " of this user");
    if (byPrincipal.isPresent()) {
      return byPrincipal;
    }
    return take(
        tenants,
        kind + "|" + principal.tenant(),
        query ? settings.tenantQueries() : settings.tenantCommands(),
        kind + " of this tenant");
  }

  /**
   * Whether requests from {@code address} are refused before their token is even looked at: its
   * refused tokens used up its budget.
   */
  Optional<Limited> unauthenticatedBlocked(String address) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    Bucket bucket = addresses.get(address);
    if (bucket == null || bucket.getAvailableTokens() > 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Limited(
            "requests without a valid token from this address",
            Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill())));
  }

  /** Counts a request from {@code address} whose token was missing or refused. */
  void unauthenticated(String address) {
    if (settings.enabled()) {
      take(addresses, address, settings.unauthenticated(), "requests without a valid token");
    }
  }

  /**
   * A permit for one more open live stream of {@code principal}, to be released when the stream
   * ends; empty when the principal or the node has as many open as allowed.
   */
  Optional<Runnable> openStream(Principal principal) {
    if (!settings.enabled()) {
      return Optional.of(() -> {});
    }
    String key = principal.tenant() + "|" + principal.userId();
    AtomicInteger own = streamsByPrincipal.computeIfAbsent(key, k -> new AtomicInteger());
    if (own.incrementAndGet() > settings.streamsPerPrincipal()) {
      own.decrementAndGet();
      return Optional.empty();
    }
    if (streams.incrementAndGet() > settings.streamsPerNode()) {
      streams.decrementAndGet();
      own.decrementAndGet();
      return Optional.empty();
    }
    return Optional.of(
        () -> {
          streams.decrementAndGet();
          own.decrementAndGet();
        });
  }

  private static Optional<Limited> take(
      Map<String, Bucket> buckets, String key, long perSecond, String what) {
    if (buckets.size() >= MAX_KEYS && !buckets.containsKey(key)) {
      buckets.clear();
    }
    Bucket bucket =
        buckets.computeIfAbsent(
            key,
            k ->
                Bucket.builder()
                    .addLimit(
                        Bandwidth.builder()
                            .capacity(perSecond)
                            .refillGreedy(perSecond, Duration.ofSeconds(1))
                            .build())
                    .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? Optional.empty()
        : Optional.of(new Limited(what, Duration.ofNanos(probe.getNanosToWaitForRefill())));
  }
}
