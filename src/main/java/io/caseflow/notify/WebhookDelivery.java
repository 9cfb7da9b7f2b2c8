package io.caseflow.notify;

import io.caseflow.cases.PersonalData;
import io.caseflow.jdbc.Sql;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
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

  /**
   * How long a delivery waits before its subscription's secret is tried again when it cannot be
   * read (no key, or another key): long enough not to crowd out deliveries that can be sent, short
   * enough that they go out soon after the operator sets the right key.
   */
  private static final Duration UNSIGNABLE_WAIT = Duration.ofSeconds(10);

  /**
   * Opens the personal values of a payload when it is sent, so an erased subject's values go out as
   * erased, however long a delivery waited.
   */
  private final PersonalData.Opener personalData;

  private record Due(
      long id,
      String subscriptionId,
      String tenant,
      String url,
      String storedSecret,
      String eventId,
      String eventType,
      String payload,
      int attempts) {}

  private sealed interface Outcome {
    Due delivery();
  }

  /** The receiver answered 2xx. */
  private record Delivered(Due delivery) implements Outcome {}

  /** An attempt that failed: counted, retried with backoff, dead-lettered after the last. */
  private record Failed(Due delivery, String error) implements Outcome {}

  /**
   * Not sent, because its secret cannot be read: a fault of the service's configuration, not of the
   * receiver, so no attempt is counted and the delivery waits, pending, for the key.
   */
  private record Unsigned(Due delivery, String reason) implements Outcome {}

  private final ActorSystem<?> system;
  private final DataSource dataSource;
  private final WebhookSettings settings;
  private final WebhookTargets targets;
  private final WebhookSecrets secrets;
  private final Clock clock;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final Meter.MeterProvider<Counter> attempts;

  /**
   * Deliveries connect only to addresses {@code targets} allows, checked when each connection is
   * opened, on the address it then uses; redirects are never followed.
   */
  public WebhookDelivery(
      ActorSystem<?> system,
      DataSource dataSource,
      WebhookSettings settings,
      WebhookTargets targets,
      WebhookSecrets secrets,
      Clock clock,
      MeterRegistry metrics,
      PersonalData.Opener personalData) {
    this.system = system;
    this.personalData = personalData;
    this.dataSource = dataSource;
    this.settings = settings;
    this.targets = targets;
    this.secrets = secrets;
    this.clock = clock;
    this.http = Http.get(system);
    this.attempts =
        Counter.builder("caseflow.webhook.deliveries")
            .description(
                "Webhook delivery attempts by outcome: delivered, failed (to be retried),"
                    + " dead_lettered (out of attempts) or unsigned (its secret cannot be read)")
            .withRegistry(metrics);
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withConnectionSettings(
                ClientConnectionSettings.create(system.classicSystem())
                    .withConnectingTimeout(settings.requestTimeout()))
            .withTransport(
                ClientTransport.withCustomResolver(
                    (host, port) ->
                        CompletableFuture.supplyAsync(
                            () -> checkedAddress(host, (Integer) port), blocking)));
  }

  private InetSocketAddress checkedAddress(String host, int port) {
    try {
      return targets.address(host, port);
    } catch (WebhookTargets.Refused e) {
      throw new CompletionException(e);
    }
  }

  /** Sends one batch of due deliveries and records each outcome. Blocking. */
  public void runOnce() {
    List<Due> due = due();
    List<CompletableFuture<Outcome>> sends = due.stream().map(this::send).toList();
    List<Unsigned> unsigned = new ArrayList<>();
    for (CompletableFuture<Outcome> send : sends) {
      Outcome outcome = send.join();
      record(outcome);
      if (outcome instanceof Unsigned waiting) {
        unsigned.add(waiting);
      }
    }
    if (!unsigned.isEmpty()) {
      log.warn(
          "{} webhook deliveries are not sent, their subscriptions' secrets cannot be read (first:"
              + " delivery {} of subscription {}: {}); they stay pending, without counting an"
              + " attempt, and are tried again in {}",
          unsigned.size(),
          unsigned.get(0).delivery().id(),
          unsigned.get(0).delivery().subscriptionId(),
          unsigned.get(0).reason(),
          UNSIGNABLE_WAIT);
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
          "SELECT d.id, s.id, s.tenant, s.url, s.secret, d.event_id, d.event_type, d.payload,"
              + " d.attempts"
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
                  row.getString(7),
                  row.getString(8),
                  row.getInt(9)),
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
    String secret;
    try {
      secret = secrets.open(delivery.storedSecret(), delivery.tenant(), delivery.subscriptionId());
    } catch (SecretBox.Unreadable e) {
      return CompletableFuture.completedFuture(new Unsigned(delivery, e.getMessage()));
    }
    HttpRequest request;
    try {
      URI url = URI.create(delivery.url());
      Optional<String> refused = targets.schemeRefusal(url);
      if (refused.isPresent()) {
        return CompletableFuture.completedFuture(
            new Failed(delivery, "target refused: " + refused.get()));
      }
      String body = PersonalData.revealJson(delivery.payload(), personalData);
      request =
          HttpRequest.POST(delivery.url())
              .withEntity(ContentTypes.APPLICATION_JSON, body)
              .addHeaders(
                  List.of(
                      RawHeader.create(WebhookSignature.EVENT_ID_HEADER, delivery.eventId()),
                      RawHeader.create(WebhookSignature.EVENT_TYPE_HEADER, delivery.eventType()),
                      RawHeader.create(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp)),
                      RawHeader.create(
                          WebhookSignature.SIGNATURE_HEADER,
                          WebhookSignature.sign(secret, timestamp, body))));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Failed(delivery, e.toString()));
    }
    return http.singleRequest(
            request, http.defaultClientHttpsContext(), pool, system.classicSystem().log())
        .toCompletableFuture()
        .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              if (error != null) {
                return new Failed(delivery, describe(error));
              }
              response.discardEntityBytes(system);
              int status = response.status().intValue();
              return status / 100 == 2
                  ? new Delivered(delivery)
                  : new Failed(delivery, "HTTP " + status);
            });
  }

  /** A refusal of the target wherever it sits in the chain of causes, else the failure itself. */
  private static String describe(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof WebhookTargets.Refused refused) {
        return "target refused: " + refused.getMessage();
      }
    }
    Throwable failure =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return failure.toString();
  }

  private void record(Outcome outcome) {
    Due delivery = outcome.delivery();
    try (Connection connection = dataSource.getConnection()) {
      String counted = "delivered";
      if (outcome instanceof Failed failed) {
        counted = recordFailure(connection, delivery, failed.error()) ? "dead_lettered" : "failed";
      } else if (outcome instanceof Unsigned unsigned) {
        counted = "unsigned";
        Sql.update(
            connection,
            "UPDATE webhook_deliveries SET next_attempt_at = ?, last_error = ? WHERE id = ?",
            clock.instant().plus(UNSIGNABLE_WAIT),
            truncated("not sent: " + unsigned.reason()),
            delivery.id());
      } else {
        Sql.update(connection, "DELETE FROM webhook_deliveries WHERE id = ?", delivery.id());
      }
      attempts.withTag("outcome", counted).increment();
    } catch (SQLException e) {
      // The delivery stays as it was and is sent again: at least once.
      log.warn("Cannot record the outcome of webhook delivery {}", delivery.id(), e);
    }
  }

  /** Whether the delivery is now dead-lettered. */
  private boolean recordFailure(Connection connection, Due delivery, String error)
      throws SQLException {
    int attempts = delivery.attempts() + 1;
    boolean dead = attempts >= settings.maxAttempts();
    Sql.update(
        connection,
        "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
            + " last_error = ? WHERE id = ?",
        dead ? DEAD : PENDING,
        attempts,
        dead ? clock.instant() : clock.instant().plus(settings.backoff(attempts)),
        truncated(error),
        delivery.id());
    if (dead) {
      log.warn(
          "Webhook delivery {} of event {} dead-lettered after {} attempts: {}",
          delivery.id(),
          delivery.eventId(),
          attempts,
          error);
    }
    return dead;
  }

  private static String truncated(String error) {
    return error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
  }
}
