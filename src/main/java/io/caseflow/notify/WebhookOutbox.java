package io.caseflow.notify;

import io.caseflow.cases.CaseEvent;
import io.caseflow.jdbc.Sql;
import io.caseflow.readside.RecordedEventsHandler;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns recorded case events into webhook deliveries: one pending delivery per matching
 * subscription, written in the read side's transaction that records the event (see {@link
 * RecordedEventsHandler}). Each event is therefore turned into deliveries exactly once, also when
 * the live projection skipped it and the reconciliation recorded it later, and a rebuild of the
 * read side sends nothing again. A subscription receives the events that happen after it was
 * created.
 */
public final class WebhookOutbox implements RecordedEventsHandler {

  private record Target(String id, String tenant, List<String> eventTypes, Instant createdAt) {
    boolean wants(CaseEvent event) {
      return tenant.equals(event.tenant())
          && !event.at().isBefore(createdAt)
          && (eventTypes.isEmpty() || eventTypes.contains(event.typeName()));
    }
  }

  private final Clock clock;

  public WebhookOutbox(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void recorded(Connection connection, List<CaseEvent> events) throws SQLException {
    List<Target> targets =
        targets(connection, events.stream().map(CaseEvent::tenant).collect(Collectors.toSet()));
    List<Object[]> deliveries = new ArrayList<>();
    Instant now = clock.instant();
    for (CaseEvent event : events) {
      List<Target> wanting = targets.stream().filter(t -> t.wants(event)).toList();
      if (wanting.isEmpty()) {
        continue;
      }
      EventMessage message = EventMessage.of(event);
      String payload = message.json();
      for (Target target : wanting) {
        deliveries.add(
            new Object[] {
              target.id(),
              event.tenant(),
              event.caseId(),
              event.seq(),
              message.eventId(),
              message.type(),
              payload,
              WebhookDelivery.PENDING,
              now,
              now,
              target.id(),
              message.eventId()
            });
      }
    }
    Sql.batch(
        connection,
        "INSERT INTO webhook_deliveries (subscription_id, tenant, case_id, seq, event_id,"
            + " event_type, payload, status, attempts, next_attempt_at, created_at)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ? WHERE NOT EXISTS (SELECT 1 FROM"
            + " webhook_deliveries WHERE subscription_id = ? AND event_id = ?)",
        deliveries);
  }

  private static List<Target> targets(Connection connection, Set<String> tenants)
      throws SQLException {
    if (tenants.isEmpty()) {
      return List.of();
    }
    return Sql.query(
        connection,
        "SELECT id, tenant, event_types, created_at FROM webhook_subscriptions WHERE tenant IN ("
            + String.join(", ", Collections.nCopies(tenants.size(), "?"))
            + ")",
        row ->
            new Target(
                row.getString(1),
                row.getString(2),
                Webhooks.eventTypes(row.getString(3)),
                Sql.instant(row, 4)),
        tenants.toArray());
  }
}
