package io.caseflow.notify;

import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseTags;
import io.caseflow.readside.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Live streams of committed case events, read from the journal: they replay from a position and
 * then follow new events, so a subscriber that resumes from its last position misses nothing and
 * sees nothing twice. The journal, not the at-most-once pub-sub topic, is what makes them complete;
 * an event that failed to persist is never in it.
 *
 * <p>A tenant's stream is positioned by the journal's global ordering (its events carry the tenant
 * tag); a case's stream by the case's own sequence numbers.
 */
public final class CaseEventStreams {

  /** An event and the position a subscriber resumes after. */
  public record Positioned(long position, CaseEvent event) {}

  private final EventsByTagQuery byTag;
  private final EventsByPersistenceIdQuery byCase;
  private final DataSource dataSource;

  public CaseEventStreams(
      ActorSystem<?> system, String readJournalPluginId, DataSource dataSource) {
    PersistenceQuery queries = PersistenceQuery.get(system);
    this.byTag = queries.getReadJournalFor(EventsByTagQuery.class, readJournalPluginId);
    this.byCase = queries.getReadJournalFor(EventsByPersistenceIdQuery.class, readJournalPluginId);
    this.dataSource = dataSource;
  }

  /** The tenant's events after {@code position}, then its new events as they are committed. */
  public Source<Positioned, NotUsed> ofTenant(String tenant, long position) {
    return byTag
        .eventsByTag(CaseTags.tenantTag(tenant), Offset.sequence(position))
        .map(
            envelope ->
                new Positioned(
                    ((Sequence) envelope.offset()).value(), (CaseEvent) envelope.event()));
  }

  /** The case's events after sequence number {@code position}, then its new ones. */
  public Source<Positioned, NotUsed> ofCase(CaseId caseId, long position) {
    return byCase
        .eventsByPersistenceId(CaseEntity.persistenceId(caseId).id(), position + 1, Long.MAX_VALUE)
        .map(envelope -> new Positioned(envelope.sequenceNr(), (CaseEvent) envelope.event()));
  }

  /** The journal's newest position: a tenant stream that starts here carries only new events. */
  public long newestPosition() {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
              connection,
              "SELECT COALESCE(MAX(\"ordering\"), 0) FROM \"event_journal\"",
              row -> row.getLong(1))
          .get(0);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the journal's newest position", e);
    }
  }
}
