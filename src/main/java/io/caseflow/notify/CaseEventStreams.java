package io.caseflow.notify;

import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.stream.OverflowStrategy;
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
 *
 * <p>The node reads the feed once for all its tenant streams ({@link FeedHub}); a stream reads the
 * database itself only to catch up from a position behind the hub's.
 */
public final class CaseEventStreams {

  /** An event and the SSE id a subscriber resumes after. */
  public record Positioned(String id, CaseEvent event) {}

  /**
   * Hub batches a tenant stream may fall behind by (one per poll interval when quiet) before it is
   * ended; its client resumes with {@code Last-Event-ID}.
   */
  private static final int STREAM_BUFFER = 1024;

  private final EventsByPersistenceIdQuery byCase;
  private final DataSource dataSource;
  private final int slices;
  private final Executor blocking;
  private final FeedHub hub;

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
    this.hub = new FeedHub(system, dataSource, slices, blocking, pollInterval);
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
    return Source.fromMaterializer(
            (materializer, attributes) -> {
              TenantCursor cursor = new TenantCursor(tenant, position);
              return hub.batches()
                  .buffer(STREAM_BUFFER, OverflowStrategy.fail())
                  .flatMapConcat(cursor::follow)
                  .mapConcat(events -> events);
            })
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
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
    return FeedHub.newest(dataSource, slices);
  }

  /**
   * One tenant stream's place in the feed, moved on by each hub batch. A batch that starts where
   * the stream stands is taken as it is; one that starts further on means the stream began (or
   * resumed) behind the hub, and the stream reads what lies between from the database first. Either
   * way it passes each event once: only events past its position in their slice.
   */
  private final class TenantCursor {
    private final String tenant;
    private FeedPosition position;

    TenantCursor(String tenant, FeedPosition position) {
      this.tenant = tenant;
      this.position = position;
    }

    /**
     * The batch's events for this stream; first, page by page as the client takes them, what lies
     * between this stream's position and the batch's start.
     */
    Source<List<Positioned>, NotUsed> follow(FeedHub.Batch batch) {
      if (covers(batch.from())) {
        return Source.single(take(batch));
      }
      return Source.unfoldAsync(
          false,
          taken ->
              taken
                  ? CompletableFuture.completedFuture(Optional.empty())
                  : CompletableFuture.supplyAsync(
                      () ->
                          covers(batch.from())
                              ? Optional.of(Pair.create(true, take(batch)))
                              : Optional.of(Pair.create(false, catchUp(batch))),
                      blocking));
    }

    /** One page of what this stream missed before {@code batch}. */
    private List<Positioned> catchUp(FeedHub.Batch batch) {
      FeedHub.Batch missed = FeedHub.read(dataSource, Optional.of(tenant), position);
      List<Positioned> events = pass(missed.events());
      Set<Integer> more = missed.fullSlices();
      for (int slice = 0; slice < slices; slice++) {
        if (!more.contains(slice)) {
          // Every event of the tenant in this slice up to the batch's start was in that read.
          raise(slice, batch.from().slices().get(slice));
        }
      }
      return events;
    }

    private List<Positioned> take(FeedHub.Batch batch) {
      List<Positioned> events = pass(batch.eventsOf(tenant));
      for (int slice = 0; slice < slices; slice++) {
        raise(slice, batch.to().slices().get(slice));
      }
      return events;
    }

    private void raise(int slice, long to) {
      if (to > position.slices().get(slice)) {
        position = position.after(slice, to);
      }
    }

    /** The events past this stream's position, each with the position after it as its id. */
    private List<Positioned> pass(List<FeedHub.Recorded> recorded) {
      List<Positioned> events = new ArrayList<>();
      for (FeedHub.Recorded event : recorded) {
        if (event.position() > position.slices().get(event.slice())) {
          position = position.after(event.slice(), event.position());
          events.add(new Positioned(position.toString(), event.event()));
        }
      }
      return events;
    }

    private boolean covers(FeedPosition from) {
      for (int slice = 0; slice < slices; slice++) {
        if (position.slices().get(slice) < from.slices().get(slice)) {
          return false;
        }
      }
      return true;
    }
  }
}
