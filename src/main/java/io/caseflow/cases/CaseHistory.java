package io.caseflow.cases;

import io.caseflow.cases.CaseState.Active;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * A case's history read straight from the journal: the audit trail itself, its hash-chain
 * verification, and the case as it was at an earlier point.
 */
public final class CaseHistory {

  private final CurrentEventsByPersistenceIdQuery journal;
  private final ActorSystem<?> system;

  public CaseHistory(ActorSystem<?> system, String readJournalPluginId) {
    this.system = system;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournalPluginId);
  }

  /** Every event of the case in order; empty when the case does not exist. */
  public CompletionStage<List<CaseEvent>> events(CaseId caseId) {
    return journal
        .currentEventsByPersistenceId(CaseEntity.persistenceId(caseId).id(), 0L, Long.MAX_VALUE)
        .map(envelope -> (CaseEvent) envelope.event())
        .runWith(Sink.seq(), system);
  }

  /** The case's event number {@code seq}, read alone; empty when there is none. */
  public CompletionStage<Optional<CaseEvent>> event(CaseId caseId, long seq) {
    return journal
        .currentEventsByPersistenceId(CaseEntity.persistenceId(caseId).id(), seq, seq)
        .map(envelope -> (CaseEvent) envelope.event())
        .runWith(Sink.headOption(), system);
  }

  /** Whether the case has any event: it was opened. */
  public CompletionStage<Boolean> exists(CaseId caseId) {
    return event(caseId, 1L).thenApply(Optional::isPresent);
  }

  /** The case as its journal holds it now; empty when it was never opened. */
  public CompletionStage<Optional<CaseView>> current(CaseId caseId) {
    return viewAfter(caseId, event -> true);
  }

  /** The case as it was right after the last event at or before {@code instant}. */
  public CompletionStage<Optional<CaseView>> asOf(CaseId caseId, Instant instant) {
    return viewAfter(caseId, event -> !event.at().isAfter(instant));
  }

  /** The case as it was right after event {@code seq}. */
  public CompletionStage<Optional<CaseView>> atSeq(CaseId caseId, long seq) {
    return viewAfter(caseId, event -> event.seq() <= seq);
  }

  private CompletionStage<Optional<CaseView>> viewAfter(
      CaseId caseId, Predicate<CaseEvent> included) {
    return events(caseId)
        .thenApply(
            events -> {
              CaseState state = CaseState.replay(events.stream().takeWhile(included).toList());
              return state instanceof Active active ? Optional.of(active.view()) : Optional.empty();
            });
  }
}
