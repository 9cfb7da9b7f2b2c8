package io.caseflow.notify;

import java.time.Duration;

/**
 * How webhook deliveries are sent: attempts before a delivery is dead-lettered, the backoff between
 * attempts (doubling from {@code initialBackoff} up to {@code maxBackoff}, with jitter), how long a
 * receiver may take to answer, how often due deliveries are looked for, and how many are sent at
 * once.
 */
public record WebhookSettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration requestTimeout,
    Duration pollInterval,
    int batchSize) {}
