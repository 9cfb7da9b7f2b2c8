package io.caseflow.notify;

import io.caseflow.readside.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A tenant's webhook subscriptions and the deliveries that ran out of attempts. Every operation is
 * scoped to one tenant: another tenant's subscription or delivery does not exist for it.
 */
public final class Webhooks {

  /** The secret is write-only: it signs deliveries and is never shown again. */
  public record Subscription(
      String id, String url, List<String> events, Instant createdAt, String createdBy) {}

  public record DeadDelivery(
      long id,
      String subscriptionId,
      String eventId,
      String eventType,
      String caseId,
      long seq,
      int attempts,
      String lastError,
      Instant failedAt) {}

  private static final String SUBSCRIPTION_COLUMNS = "id, url, event_types, created_at, created_by";

  private final DataSource dataSource;
  private final WebhookTargets targets;
  private final Clock clock;

  public Webhooks(DataSource dataSource, WebhookTargets targets, Clock clock) {
    this.dataSource = dataSource;
    this.targets = targets;
    this.clock = clock;
  }

  /**
   * Why {@code url} may not be a webhook target (see {@link WebhookTargets}), or empty. Resolves
   * its host: blocking.
   */
  public Optional<String> targetRefusal(String url) {
    return targets.refusal(url);
  }

  public Subscription subscribe(
      String tenant, String url, List<String> eventTypes, String secret, String createdBy) {
    Subscription subscription =
        new Subscription(
            UUID.randomUUID().toString(),
            url,
            List.copyOf(eventTypes),
            clock.instant().truncatedTo(ChronoUnit.MICROS),
            createdBy);
    withConnection(
        connection ->
            Sql.update(
                connection,
                "INSERT INTO webhook_subscriptions (id, tenant, url, event_types, secret,"
                    + " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                subscription.id(),
                tenant,
                url,
                String.join(",", eventTypes),
                secret,
                subscription.createdAt(),
                createdBy));
    return subscription;
  }

  public List<Subscription> subscriptions(String tenant) {
    return withConnection(
        connection ->
            Sql.query(
                connection,
                "SELECT "
                    + SUBSCRIPTION_COLUMNS
                    + " FROM webhook_subscriptions WHERE tenant = ? ORDER BY created_at, id",
                Webhooks::subscription,
                tenant));
  }

  public Optional<Subscription> subscription(String tenant, String id) {
    return withConnection(
            connection ->
                Sql.query(
                    connection,
                    "SELECT "
                        + SUBSCRIPTION_COLUMNS
                        + " FROM webhook_subscriptions WHERE tenant = ? AND id = ?",
                    Webhooks::subscription,
                    tenant,
                    id))
        .stream()
        .findFirst();
  }

  private static Subscription subscription(ResultSet row) throws SQLException {
    return new Subscription(
        row.getString(1),
        row.getString(2),
        eventTypes(row.getString(3)),
        Sql.instant(row, 4),
        row.getString(5));
  }

  /** Removes the subscription and its undelivered deliveries; false when there was none. */
  public boolean unsubscribe(String tenant, String id) {
    return withConnection(
            connection ->
                Sql.update(
                    connection,
                    "DELETE FROM webhook_subscriptions WHERE tenant = ? AND id = ?",
                    tenant,
                    id))
        > 0;
  }

  public List<DeadDelivery> deadDeliveries(String tenant) {
    return withConnection(
        connection ->
            Sql.query(
                connection,
                "SELECT id, subscription_id, event_id, event_type, case_id, seq, attempts,"
                    + " last_error, next_attempt_at FROM webhook_deliveries"
                    + " WHERE tenant = ? AND status = ? ORDER BY id",
                row ->
                    new DeadDelivery(
                        row.getLong(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getLong(6),
                        row.getInt(7),
                        row.getString(8),
                        Sql.instant(row, 9)),
                tenant,
                WebhookDelivery.DEAD));
  }

  /** Sends a dead delivery again from its first attempt; false when there is no such one. */
  public boolean redrive(String tenant, long deliveryId) {
    return withConnection(
            connection ->
                Sql.update(
                    connection,
                    "UPDATE webhook_deliveries SET status = ?, attempts = 0, next_attempt_at = ?,"
                        + " last_error = NULL WHERE tenant = ? AND id = ? AND status = ?",
                    WebhookDelivery.PENDING,
                    clock.instant(),
                    tenant,
                    deliveryId,
                    WebhookDelivery.DEAD))
        > 0;
  }

  static List<String> eventTypes(String column) {
    return column.isEmpty() ? List.of() : Arrays.asList(column.split(","));
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T withConnection(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("Webhook storage failed: " + e.getMessage(), e);
    }
  }
}
