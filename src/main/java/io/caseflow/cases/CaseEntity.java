package io.caseflow.cases;

import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseDecider.Decision;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.CaseState.Empty;
import io.caseflow.observe.Tracing;
import io.caseflow.workflow.WorkflowRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.JournalPersistFailed;
import org.apache.pekko.persistence.typed.JournalPersistRejected;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One case, the only writer of its own history. The rules are {@link CaseDecider}'s; the entity
 * wires them to the journal: it persists what the decider decides, replies once the journal
 * confirmed it, and answers {@code unavailable} when it did not.
 *
 * <p>A case does not exist until {@link OpenCase} persists {@link CaseOpened}. Each accepted
 * command persists exactly one hash-chained event; every refusal is a typed {@link Rejected} and
 * writes nothing. Commands arriving while a persist is in flight wait (Pekko stashes them), so the
 * decider always sees the state the last event made.
 */
public final class CaseEntity
    extends EventSourcedBehaviorWithEnforcedReplies<CaseCommand, CaseEvent, CaseState> {

  public static final EntityTypeKey<CaseCommand> TYPE_KEY =
      EntityTypeKey.create(CaseCommand.class, "Case");

  static final int SNAPSHOT_EVERY = 100;

  /** Immutable, so one instance serves every entity (each live entity costs heap). */
  private static final BackoffSupervisorStrategy ON_PERSIST_FAILURE =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

  private final CaseId caseId;
  private final CaseDecider decider;
  private final Clock clock;
  private final Set<String> tags;
  private final CommandMetrics metrics;
  private final Tracer tracer;

  /**
   * The command whose event is being persisted. Pekko's persist-failure signal does not carry the
   * command, so the entity remembers it to answer {@code unavailable} at once instead of leaving
   * the caller to time out.
   */
  private Awaiting awaiting;

  /** A command's spans: its handling, and the persist of its event within it. */
  private record Awaiting(
      CaseState from, CaseCommand command, long received, Span handling, Span persisting) {}

  private CaseEntity(
      CaseId caseId,
      WorkflowRegistry workflows,
      Clock clock,
      CaseTags tags,
      CommandMetrics metrics,
      Tracer tracer) {
    super(persistenceId(caseId), ON_PERSIST_FAILURE);
    this.caseId = caseId;
    this.decider = new CaseDecider(caseId, workflows);
    this.clock = clock;
    this.tags = tags.tagsFor(caseId);
    this.metrics = metrics;
    this.tracer = tracer;
  }

  /** Where the case's events live in the journal. */
  public static PersistenceId persistenceId(CaseId caseId) {
    return PersistenceId.of(TYPE_KEY.name(), caseId.entityId());
  }

  public static Behavior<CaseCommand> create(
      CaseId caseId,
      WorkflowRegistry workflows,
      Clock clock,
      CaseTags tags,
      CommandMetrics metrics,
      Tracer tracer) {
    return Behaviors.setup(
        context -> new CaseEntity(caseId, workflows, clock, tags, metrics, tracer));
  }

  @Override
  public CaseState emptyState() {
    return new Empty();
  }

  @Override
  public Set<String> tagsFor(CaseEvent event) {
    return tags;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public CommandHandlerWithReply<CaseCommand, CaseEvent, CaseState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onAnyCommand(
            (state, command) -> {
              long received = System.nanoTime();
              Span handling = startHandling(command);
              try (Scope current = handling.makeCurrent()) {
                return carryOut(
                    state, command, received, handling, decider.decide(state, command, now()));
              }
            });
  }

  @Override
  public EventHandler<CaseState, CaseEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(CaseState::apply);
  }

  @Override
  public SignalHandler<CaseState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(JournalPersistFailed.class, (state, failed) -> answerUnavailable())
        .onSignal(JournalPersistRejected.class, (state, rejected) -> answerUnavailable())
        .build();
  }

  /** The command's span, in the trace of the request that sent it. */
  private Span startHandling(CaseCommand command) {
    return tracer
        .spanBuilder("case " + command.getClass().getSimpleName())
        .setParent(Tracing.parent(command.traceparent()))
        .setAttribute(Tracing.CASE_ID, caseId.id())
        .setAttribute(Tracing.TENANT, caseId.tenant())
        .startSpan();
  }

  private ReplyEffect<CaseEvent, CaseState> carryOut(
      CaseState state, CaseCommand command, long received, Span handling, Decision decision) {
    if (decision instanceof Decision.Persist persist) {
      long decided = System.nanoTime();
      Span persisting = tracer.spanBuilder("journal persist").startSpan();
      awaiting = new Awaiting(state, command, received, handling, persisting);
      return Effect()
          .persist(persist.event())
          .thenRun(
              (CaseState persisted) -> {
                metrics.persisted(decided);
                persisting.end();
                metrics.answered(state, command, CommandMetrics.ACCEPTED, received);
                ended(handling, CommandMetrics.ACCEPTED);
                awaiting = null;
              })
          .thenReply(command.replyTo(), persisted -> new Accepted(((Active) persisted).view()));
    }
    CaseReply reply = ((Decision.Answer) decision).reply();
    String outcome = outcomeOf(reply);
    metrics.answered(state, command, outcome, received);
    ended(handling, outcome);
    return Effect().reply(command.replyTo(), reply);
  }

  private static void ended(Span handling, String outcome) {
    handling.setAttribute(Tracing.OUTCOME, outcome);
    if (outcome.equals(ErrorCode.UNAVAILABLE.code())) {
      handling.setStatus(StatusCode.ERROR);
    }
    handling.end();
  }

  private static String outcomeOf(CaseReply reply) {
    return reply instanceof Rejected rejected ? rejected.code().code() : CommandMetrics.ACCEPTED;
  }

  private void answerUnavailable() {
    if (awaiting != null) {
      String unavailable = ErrorCode.UNAVAILABLE.code();
      metrics.answered(awaiting.from(), awaiting.command(), unavailable, awaiting.received());
      awaiting.persisting().setStatus(StatusCode.ERROR, "the journal did not store the event");
      awaiting.persisting().end();
      ended(awaiting.handling(), unavailable);
      awaiting.command().replyTo().tell(Rejected.of(ErrorCode.UNAVAILABLE, "caseId", caseId.id()));
      awaiting = null;
    }
  }

  /** Microseconds: what every store (PostgreSQL included) keeps, so all views agree. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
