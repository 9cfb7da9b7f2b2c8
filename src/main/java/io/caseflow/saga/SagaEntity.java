package io.caseflow.saga;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * What every saga entity shares: its events are tagged for the saga status projection, its state is
 * a fold of them, and once recovered (woken after a crash, or by the recovery job) it takes up its
 * work where it stopped.
 */
abstract class SagaEntity<C, E, S> extends EventSourcedBehavior<C, E, S> {

  private static final Set<String> TAGS = Set.of(SagaStatusProjection.TAG);

  private final Clock clock;

  SagaEntity(PersistenceId persistenceId, Clock clock) {
    super(persistenceId);
    this.clock = clock;
  }

  /** The state after one more event. */
  abstract S applied(S state, E event);

  /** Takes up the saga's work from its recovered state (nothing, if it has none left). */
  abstract void resume(S state);

  @Override
  public Set<String> tagsFor(E event) {
    return TAGS;
  }

  @Override
  public EventHandler<S, E> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(this::applied);
  }

  @Override
  public SignalHandler<S> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::resume).build();
  }

  /** Microseconds, as the cases keep time, so that every store holds the same instant. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
