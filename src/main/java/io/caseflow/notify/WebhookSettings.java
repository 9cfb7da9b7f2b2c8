package io.caseflow.notify;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How webhook deliveries are sent: attempts before a delivery is dead-lettered, the backoff between
 * attempts (doubling from {@code initialBackoff} up to {@code maxBackoff}, with jitter), how long a
 * receiver may take to answer, how often due deliveries are looked for, how many are sent at once,
 * whether plain {@code http} targets are allowed, and the hosts and networks (CIDR) that may be
 * targets although they are not public (a receiver inside your own network). The key that encrypts
 * the subscriptions' secrets is the service's ({@code caseflow.secret-key}).
 */
public record WebhookSettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration requestTimeout,
    Duration pollInterval,
    int batchSize,
    boolean allowHttp,
    List<String> allowedPrivateTargets) {

  public WebhookSettings {
    allowedPrivateTargets = List.copyOf(allowedPrivateTargets);
  }

  /** Doubling from the initial backoff up to the maximum, each wait jittered to 50-100 %. */
  public Duration backoff(int attempts) {
    long initial = initialBackoff.toMillis();
    long ceiling = maxBackoff.toMillis();
    long exponential = initial << Math.min(attempts - 1, 30);
    long capped = exponential <= 0 ? ceiling : Math.min(ceiling, exponential);
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
