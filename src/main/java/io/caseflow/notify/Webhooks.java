package io.caseflow.notify;

import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A tenant's webhook subscriptions and the deliveries that ran out of attempts. Every operation is
 * scoped to one tenant: another tenant's subscription or delivery does not exist for it.
 */
public final class Webhooks {

  /**
   * The secret is write-only: it signs deliveries, is stored encrypted, and is shown once, when the
   * service chose it.
   */
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
  private final WebhookSecrets secrets;
  private final Clock clock;

  public Webhooks(
      DataSource dataSource, WebhookTargets targets, WebhookSecrets secrets, Clock clock) {
    this.dataSource = dataSource;
    this.targets = targets;
    this.secrets = secrets;
    this.clock = clock;
  }

  /** Whether secrets can be stored: false on a real database without a key. */
  public boolean canStoreSecrets() {
    return secrets.hasKey();
  }

  /**
   * Why {@code url} may not be a webhook target (see {@link WebhookTargets}), or empty. Resolves
   * its host: blocking.
   */
  public Optional<String> targetRefusal(String url) {
    return targets.refusal(url);
  }

  /** Stores the subscription with {@code secret} encrypted; needs {@link #canStoreSecrets}. */
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
                secrets.seal(secret, tenant, subscription.id()),
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

  /**
   * Replaces the subscription's secret, encrypted; deliveries signed from now on use it. Empty when
   * the tenant has no such subscription. Needs {@link #canStoreSecrets}.
   */
  public Optional<Subscription> rotateSecret(String tenant, String id, String secret) {
    int updated =
        withConnection(
            connection ->
                Sql.update(
                    connection,
                    "UPDATE webhook_subscriptions SET secret = ? WHERE tenant = ? AND id = ?",
                    secrets.seal(secret, tenant, id),
                    tenant,
                    id));
    return updated == 0 ? Optional.empty() : subscription(tenant, id);
  }

  /**
   * Encrypts the secrets still stored in clear text (from before encryption); returns how many.
   * Idempotent, and safe while other nodes do the same or a secret is rotated: a row is replaced
   * only if it still holds the clear text that was read. Needs {@link #canStoreSecrets}.
   */
  public int encryptPlainSecrets() {
    List<StoredSecret> plain =
        storedSecrets().stream().filter(stored -> WebhookSecrets.isPlain(stored.value())).toList();
    int encrypted = 0;
    for (StoredSecret stored : plain) {
      String secret = WebhookSecrets.clearText(stored.value());
      encrypted +=
          withConnection(
              connection ->
                  Sql.update(
                      connection,
                      "UPDATE webhook_subscriptions SET secret = ? WHERE id = ? AND secret = ?",
                      secrets.seal(secret, stored.tenant(), stored.id()),
                      stored.id(),
                      stored.value()));
    }
    return encrypted;
  }

  /**
   * The subscriptions whose secret cannot be read now, so their deliveries wait: sealed secrets
   * without a key, or sealed with another key. With each, why.
   */
  public List<String> unreadableSecrets() {
    List<String> unreadable = new ArrayList<>();
    for (StoredSecret stored : storedSecrets()) {
      try {
        secrets.open(stored.value(), stored.tenant(), stored.id());
      } catch (SecretBox.Unreadable e) {
        unreadable.add(stored.id() + " (" + e.getMessage() + ")");
      }
    }
    return unreadable;
  }

  /** How many secrets are still stored in clear text (from before encryption). */
  public long plainSecretCount() {
    return storedSecrets().stream()
        .filter(stored -> WebhookSecrets.isPlain(stored.value()))
        .count();
  }

  private record StoredSecret(String id, String tenant, String value) {}

  private List<StoredSecret> storedSecrets() {
    return withConnection(
        connection ->
            Sql.query(
                connection,
                "SELECT id, tenant, secret FROM webhook_subscriptions ORDER BY id",
                row -> new StoredSecret(row.getString(1), row.getString(2), row.getString(3))));
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

  /**
   * Deliveries not yet made, over every tenant, by status: {@code pending} (the backlog) and {@code
   * dead} (waiting for a re-drive). Delivered ones are deleted, so these are all there are.
   */
  public Map<String, Long> undeliveredByStatus() {
    return withConnection(
        connection -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          counts.put(WebhookDelivery.PENDING, 0L);
          counts.put(WebhookDelivery.DEAD, 0L);
          Sql.query(
                  connection,
                  "SELECT status, COUNT(*) FROM webhook_deliveries GROUP BY status",
                  row -> Map.entry(row.getString(1), row.getLong(2)))
              .forEach(count -> counts.put(count.getKey(), count.getValue()));
          return counts;
        });
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
