package io.caseflow.notify;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseTags;
import io.caseflow.readside.PooledJdbcSession;
import io.caseflow.readside.ProjectionDaemons;
import io.caseflow.readside.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Turns committed case events into webhook deliveries: a projection per slice (its own offsets,
 * name {@value #NAME}) that adds one pending delivery per matching subscription in the transaction
 * that stores its offset. Driven by the journal, it only ever sees committed events and picks up
 * where it stopped after a restart. A subscription receives the events that happen after it was
 * created.
 */
public final class WebhookOutbox {

  public static final String NAME = "webhooks";

  private record Target(String id, String tenant, List<String> eventTypes, Instant createdAt) {
    boolean wants(CaseEvent event) {
      return tenant.equals(event.tenant())
          && !event.at().isBefore(createdAt)
          && (eventTypes.isEmpty() || eventTypes.contains(CaseEvent.typeName(event)));
    }
  }

  private WebhookOutbox() {}

  public static void init(
      ActorSystem<?> system,
      String readJournalPluginId,
      CaseTags tags,
      DataSource dataSource,
      int groupSize,
      Duration groupWindow,
      Clock clock) {
    ProjectionDaemons.start(
        system,
        "webhook-outbox",
        tags.slices(),
        slice ->
            ProjectionDaemons.<CaseEvent>grouped(
                system,
                readJournalPluginId,
                ProjectionId.of(NAME, CaseTags.tag(slice)),
                dataSource,
                () -> new Handler(clock),
                groupSize,
                groupWindow));
  }

  private static final class Handler
      extends JdbcHandler<List<EventEnvelope<CaseEvent>>, PooledJdbcSession> {

    private final Clock clock;

    Handler(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<CaseEvent>> envelopes)
        throws Exception {
      session.withConnection(
          connection -> {
            List<CaseEvent> events = envelopes.stream().map(EventEnvelope::event).toList();
            List<Target> targets =
                targets(
                    connection, events.stream().map(CaseEvent::tenant).collect(Collectors.toSet()));
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
            return null;
          });
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
}
