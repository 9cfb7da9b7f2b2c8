package io.caseflow.notify;

import io.caseflow.readside.Sql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due webhook deliveries, one batch per run (runs never overlap: one node runs them). A
 * case's deliveries to a subscription go out one at a time in event order; a failed one is retried
 * with exponential backoff and jitter and, out of attempts, dead-lettered, after which the case's
 * later events go on. Delivery is at least once: a receiver deduplicates by the event id header.
 */
public final class WebhookDelivery {

  static final String PENDING = "pending";
  static final String DEAD = "dead";
  private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);
  private static final int MAX_ERROR_LENGTH = 1000;

  private record Due(
      long id,
      String url,
      String secret,
      String eventId,
      String eventType,
      String payload,
      int attempts) {}

  /** {@code error} is null when the receiver accepted the delivery. */
  private record Outcome(Due delivery, String error) {}

  private final DataSource dataSource;
  private final WebhookSettings settings;
  private final Clock clock;
  private final HttpClient client;

  public WebhookDelivery(DataSource dataSource, WebhookSettings settings, Clock clock) {
    this.dataSource = dataSource;
    this.settings = settings;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(settings.requestTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Sends one batch of due deliveries and records each outcome. Blocking. */
  public void runOnce() {
    List<Due> due = due();
    List<CompletableFuture<Outcome>> sends = due.stream().map(this::send).toList();
    for (CompletableFuture<Outcome> send : sends) {
      record(send.join());
    }
  }

  /**
   * The earliest pending delivery of each case and subscription that is due: the next ones wait
   * until it is delivered or dead.
   */
  private List<Due> due() {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
          connection,
          "SELECT d.id, s.url, s.secret, d.event_id, d.event_type, d.payload, d.attempts"
              + " FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id"
              + " WHERE d.status = ? AND d.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM"
              + " webhook_deliveries e WHERE e.subscription_id = d.subscription_id"
              + " AND e.tenant = d.tenant AND e.case_id = d.case_id AND e.seq < d.seq"
              + " AND e.status = ?) ORDER BY d.id LIMIT ?",
          row ->
              new Due(
                  row.getLong(1),
                  row.getString(2),
                  row.getString(3),
                  row.getString(4),
                  row.getString(5),
                  row.getString(6),
                  row.getInt(7)),
          PENDING,
          clock.instant(),
          PENDING,
          settings.batchSize());
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read due webhook deliveries", e);
    }
  }

  private CompletableFuture<Outcome> send(Due delivery) {
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(delivery.url()))
              .timeout(settings.requestTimeout())
              .header("Content-Type", "application/json")
              .header(WebhookSignature.EVENT_ID_HEADER, delivery.eventId())
              .header(WebhookSignature.EVENT_TYPE_HEADER, delivery.eventType())
              .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
              .header(
                  WebhookSignature.SIGNATURE_HEADER,
                  WebhookSignature.sign(delivery.secret(), timestamp, delivery.payload()))
              .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
              .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Outcome(delivery, e.toString()));
    }
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              if (error != null) {
                Throwable cause = error.getCause() == null ? error : error.getCause();
                return new Outcome(delivery, cause.toString());
              }
              int status = response.statusCode();
              return new Outcome(delivery, status / 100 == 2 ? null : "HTTP " + status);
            });
  }

  private void record(Outcome outcome) {
    Due delivery = outcome.delivery();
    try (Connection connection = dataSource.getConnection()) {
      if (outcome.error() == null) {
        Sql.update(connection, "DELETE FROM webhook_deliveries WHERE id = ?", delivery.id());
        return;
      }
      int attempts = delivery.attempts() + 1;
      boolean dead = attempts >= settings.maxAttempts();
      String error = outcome.error();
      Sql.update(
          connection,
          "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
              + " last_error = ? WHERE id = ?",
          dead ? DEAD : PENDING,
          attempts,
          dead ? clock.instant() : clock.instant().plus(backoff(attempts)),
          error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error,
          delivery.id());
      if (dead) {
        log.warn(
            "Webhook delivery {} of event {} dead-lettered after {} attempts: {}",
            delivery.id(),
            delivery.eventId(),
            attempts,
            error);
      }
    } catch (SQLException e) {
      // The delivery stays as it was and is sent again: at least once.
      log.warn("Cannot record the outcome of webhook delivery {}", delivery.id(), e);
    }
  }

  /** Doubling from the initial backoff up to the maximum, each wait jittered to 50-100 %. */
  Duration backoff(int attempts) {
    long initial = settings.initialBackoff().toMillis();
    long ceiling = settings.maxBackoff().toMillis();
    long exponential = initial << Math.min(attempts - 1, 30);
    long capped = exponential <= 0 ? ceiling : Math.min(ceiling, exponential);
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
