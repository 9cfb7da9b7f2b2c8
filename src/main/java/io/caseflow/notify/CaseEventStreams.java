package io.caseflow.notify;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import io.caseflow.readside.ReadSideSlices;
import io.caseflow.readside.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Live streams of committed case events: they replay from a position and then follow new events, so
 * a subscriber that resumes from its last position misses nothing and sees nothing twice. An event
 * that failed to persist is never on them.
 *
 * <p>A case's stream reads the case's journal by sequence number; a case writes one event at a
 * time, so its stream has no gap to wait for. A tenant's stream follows the read side's feed: each
 * event takes the next position of its slice in the transaction that records it (see {@code
 * CaseReadModel}), so an event whose journal commit was slow, or that the live projection skipped
 * and the reconciliation recorded, comes late but comes. Events of one case arrive in their order;
 * events of different cases in the order the read side recorded them.
 */
public final class CaseEventStreams {

  /** An event and the SSE id a subscriber resumes after. */
  public record Positioned(String id, CaseEvent event) {}

  /** At most this many events of each slice are read at once: what a slow client's stream holds. */
  private static final int BATCH = 256;

  private record Batch(FeedPosition end, List<Positioned> events) {}

  private record Recorded(int slice, long position, CaseEvent event) {}

  private final EventsByPersistenceIdQuery byCase;
  private final DataSource dataSource;
  private final int slices;
  private final Executor blocking;
  private final Duration pollInterval;

  public CaseEventStreams(
      ActorSystem<?> system,
      String readJournalPluginId,
      DataSource dataSource,
      int slices,
      Executor blocking,
      Duration pollInterval) {
    this.byCase =
        PersistenceQuery.get(system)
            .getReadJournalFor(EventsByPersistenceIdQuery.class, readJournalPluginId);
    this.dataSource = dataSource;
    this.slices = slices;
    this.blocking = blocking;
    this.pollInterval = pollInterval;
  }

  /**
   * The tenant stream position a {@code Last-Event-ID} names.
   *
   * @throws IllegalArgumentException when it names none
   */
  public FeedPosition tenantPosition(String lastEventId) {
    return FeedPosition.parse(lastEventId, slices);
  }

  /** The tenant's events after {@code position}, then its new events as they are recorded. */
  public Source<Positioned, NotUsed> ofTenant(String tenant, FeedPosition position) {
    return Source.unfoldAsync(
            position,
            after -> nextBatch(tenant, after).thenApply(b -> Optional.of(Pair.create(b.end(), b))))
        .mapConcat(Batch::events);
  }

  /** The case's events after sequence number {@code position}, then its new ones. */
  public Source<Positioned, NotUsed> ofCase(CaseId caseId, long position) {
    return byCase
        .eventsByPersistenceId(CaseEntity.persistenceId(caseId).id(), position + 1, Long.MAX_VALUE)
        .map(
            envelope ->
                new Positioned(
                    String.valueOf(envelope.sequenceNr()), (CaseEvent) envelope.event()));
  }

  /**
   * The feed's newest position: a tenant stream that starts here carries every event recorded
   * later, including events committed to the journal but not recorded yet.
   */
  public FeedPosition newestPosition() {
    try (Connection connection = dataSource.getConnection()) {
      return new FeedPosition(ReadSideSlices.feedHeads(connection));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the event feed's newest position", e);
    }
  }

  /** The next events after {@code after}, or none after a poll interval's wait. */
  private CompletionStage<Batch> nextBatch(String tenant, FeedPosition after) {
    return CompletableFuture.supplyAsync(() -> read(tenant, after), blocking)
        .thenCompose(
            batch ->
                batch.events().isEmpty()
                    ? CompletableFuture.supplyAsync(
                        () -> batch,
                        CompletableFuture.delayedExecutor(
                            pollInterval.toMillis(), TimeUnit.MILLISECONDS, blocking))
                    : CompletableFuture.completedFuture(batch));
  }

  /**
   * Up to a batch of each slice's next events, by one index range scan per slice, merged by
   * position. Any such merge is a valid order: the position moves per slice, and within a slice the
   * events stay in order.
   */
  private Batch read(String tenant, FeedPosition after) {
    List<String> perSlice = new ArrayList<>();
    List<Object> parameters = new ArrayList<>();
    for (int slice = 0; slice < slices; slice++) {
      perSlice.add(
          "(SELECT slice, feed_position, type, payload FROM audit_log"
              + " WHERE tenant = ? AND slice = ? AND feed_position > ?"
              + " ORDER BY feed_position LIMIT "
              + BATCH
              + ")");
      parameters.addAll(List.of(tenant, slice, after.slices().get(slice)));
    }
    String sql = String.join(" UNION ALL ", perSlice) + " ORDER BY feed_position, slice";
    List<Positioned> events = new ArrayList<>();
    FeedPosition end = after;
    try (Connection connection = dataSource.getConnection()) {
      List<Recorded> rows =
          Sql.query(
              connection,
              sql,
              row ->
                  new Recorded(
                      row.getInt(1),
                      row.getLong(2),
                      CanonicalJson.parse(row.getString(4), CaseEvent.typeNamed(row.getString(3)))),
              parameters.toArray());
      for (Recorded row : rows) {
        end = end.after(row.slice(), row.position());
        events.add(new Positioned(end.toString(), row.event()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the event feed", e);
    }
    return new Batch(end, events);
  }
}
