package io.caseflow.saga;

import io.caseflow.JsonSerializable;
import io.caseflow.cases.CaseCommand;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.MergeStep;
import io.caseflow.cases.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * Merges a duplicate case into a primary one, as a saga whose every step and compensation is an
 * event of its own and of the case it changes.
 *
 * <p>Steps, in order: lock the duplicate ({@link MergeStep#START}, state {@code merging}); record
 * it in the primary ({@link MergeStep#RECORD_IN_PRIMARY}), which the primary refuses when it is
 * closed, being merged itself, of another tenant or not at the version the merge was asked against;
 * close the duplicate ({@link MergeStep#COMPLETE}, state {@code merged}). When a step is refused,
 * the steps done are compensated in reverse order (the duplicate's lock undone by {@link
 * MergeStep#REVERT_START}, restoring its state: a semantic undo, recorded in its history, never a
 * deletion). A case that does not answer is asked again, with the same step: every step is
 * idempotent per saga, so a repeated message changes nothing. After a crash the saga resumes from
 * its last persisted step when it wakes (the saga recovery job wakes it).
 */
public final class MergeSaga
    extends SagaEntity<MergeSaga.Command, MergeSaga.Event, MergeSaga.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "MergeSaga");

  private static final List<MergeStep> STEPS =
      List.of(MergeStep.START, MergeStep.RECORD_IN_PRIMARY, MergeStep.COMPLETE);

  private static final Map<MergeStep, MergeStep> COMPENSATIONS =
      Map.of(
          MergeStep.START, MergeStep.REVERT_START,
          MergeStep.RECORD_IN_PRIMARY, MergeStep.REVERT_RECORD_IN_PRIMARY);

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** The first step of the merge not yet done. */
  static Optional<MergeStep> nextStep(List<MergeStep> done) {
    return STEPS.stream().filter(step -> !done.contains(step)).findFirst();
  }

  /** The compensation of the latest step done that is not yet undone: steps undo in reverse. */
  static Optional<MergeStep> nextCompensation(List<MergeStep> done, List<MergeStep> undone) {
    List<MergeStep> toUndo = new ArrayList<>(done);
    Collections.reverse(toUndo);
    return toUndo.stream()
        .map(COMPENSATIONS::get)
        .filter(compensation -> compensation != null && !undone.contains(compensation))
        .findFirst();
  }

  /**
   * running → completed, or running → compensating → compensated. Subject claims go through the
   * same statuses.
   */
  public enum Status {
    RUNNING,
    COMPENSATING,
    COMPLETED,
    COMPENSATED;

    public boolean finished() {
      return this == COMPLETED || this == COMPENSATED;
    }

    /** How the API and the {@code saga_status} table spell it. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public record Request(
      String tenant, String duplicate, String primary, Principal actor, Long primaryVersion) {}

  public sealed interface Command extends JsonSerializable {}

  /** Starts the saga, or (same id) answers it as it is; the answer comes once it finished. */
  public record Start(Request request, ActorRef<View> replyTo) implements Command {}

  public record Get(ActorRef<Found> replyTo) implements Command {}

  /** The answer to {@link Get}: the saga, or null when there is none (crosses nodes as JSON). */
  public record Found(View view) implements JsonSerializable {}

  /** Drive the saga on (sent by the saga recovery job; a no-op for a finished one). */
  public record Resume() implements Command {}

  private record StepAnswered(MergeStep step, CaseReply reply) implements Command {}

  /** Nothing is left to do: record the end. */
  private record Finish() implements Command {}

  public sealed interface Event extends JsonSerializable {
    Instant at();
  }

  public record MergeRequested(Request request, Instant at) implements Event {}

  public record StepDone(MergeStep step, Instant at) implements Event {}

  /** A step the case refused, with its refusal: the saga compensates from here. */
  public record StepRefused(MergeStep step, String code, Map<String, String> args, Instant at)
      implements Event {}

  public record CompensationDone(MergeStep step, Instant at) implements Event {}

  public record Finished(Status status, Instant at) implements Event {}

  /** A step or compensation the saga took, and whether the case carried it out or refused it. */
  public record StepTaken(MergeStep step, boolean refused, Instant at) {}

  /** The step a case refused, with its refusal's code and arguments. */
  public record Refusal(MergeStep step, ErrorCode code, Map<String, String> args) {}

  /** What {@code GET /sagas/{id}} shows. */
  public record View(
      String id,
      String kind,
      String tenant,
      Status status,
      String duplicate,
      String primary,
      String requestedBy,
      List<StepTaken> steps,
      List<StepTaken> compensations,
      Refusal refusal,
      Instant startedAt,
      Instant updatedAt)
      implements JsonSerializable {}

  public record State(
      Request request,
      Status status,
      List<StepTaken> steps,
      List<StepTaken> compensations,
      Refusal refusal,
      Instant startedAt,
      Instant updatedAt)
      implements JsonSerializable {

    static State empty() {
      return new State(null, null, List.of(), List.of(), null, null, null);
    }

    State apply(Event event) {
      if (event instanceof MergeRequested requested) {
        return new State(
            requested.request(),
            Status.RUNNING,
            List.of(),
            List.of(),
            null,
            requested.at(),
            requested.at());
      }
      List<StepTaken> newSteps = new ArrayList<>(steps);
      List<StepTaken> newCompensations = new ArrayList<>(compensations);
      Status newStatus = status;
      Refusal newRefusal = refusal;
      if (event instanceof StepDone done) {
        newSteps.add(new StepTaken(done.step(), false, done.at()));
      } else if (event instanceof StepRefused refused) {
        newSteps.add(new StepTaken(refused.step(), true, refused.at()));
        newRefusal = new Refusal(refused.step(), ErrorCode.ofCode(refused.code()), refused.args());
        newStatus = Status.COMPENSATING;
      } else if (event instanceof CompensationDone done) {
        newCompensations.add(new StepTaken(done.step(), false, done.at()));
      } else if (event instanceof Finished finished) {
        newStatus = finished.status();
      }
      return new State(
          request, newStatus, newSteps, newCompensations, newRefusal, startedAt, event.at());
    }

    boolean exists() {
      return request != null;
    }

    /** The steps the cases carried out, in order. */
    List<MergeStep> done() {
      return steps.stream().filter(step -> !step.refused()).map(StepTaken::step).toList();
    }

    /** The next step or compensation, or empty when the saga has nothing left to do. */
    Optional<MergeStep> next() {
      return switch (status) {
        case RUNNING -> nextStep(done());
        case COMPENSATING ->
            nextCompensation(done(), compensations.stream().map(StepTaken::step).toList());
        case COMPLETED, COMPENSATED -> Optional.empty();
      };
    }

    View view(String id) {
      return new View(
          id,
          "merge",
          request.tenant(),
          status,
          request.duplicate(),
          request.primary(),
          request.actor().userId(),
          steps,
          compensations,
          refusal,
          startedAt,
          updatedAt);
    }
  }

  private final String sagaId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final FaultInjection faults;

  /** Callers waiting for the saga to finish (in memory: a crash answers them by timeout). */
  private final List<ActorRef<View>> waiting = new ArrayList<>();

  private MergeSaga(
      String sagaId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      SagaContext saga) {
    super(PersistenceId.of(TYPE_KEY.name(), sagaId), saga.clock());
    this.sagaId = sagaId;
    this.context = context;
    this.timers = timers;
    this.sharding = saga.sharding();
    this.askTimeout = saga.settings().stepTimeout();
    this.faults = saga.faults();
  }

  static Behavior<Command> create(String sagaId, SagaContext saga) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new MergeSaga(sagaId, context, timers, saga)));
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  State applied(State state, Event event) {
    return state.apply(event);
  }

  @Override
  void resume(State state) {
    driveNext(state);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Start.class, this::start)
        .onCommand(
            Get.class,
            (state, get) -> {
              get.replyTo().tell(new Found(state.exists() ? state.view(sagaId) : null));
              return Effect().none();
            })
        .onCommand(
            Resume.class,
            (state, resume) -> {
              driveNext(state);
              return Effect().none();
            })
        .onCommand(StepAnswered.class, this::stepAnswered)
        .onCommand(Finish.class, (state, finish) -> finish(state))
        .build();
  }

  private Effect<Event, State> start(State state, Start start) {
    if (state.exists()) {
      if (state.status().finished()) {
        start.replyTo().tell(state.view(sagaId));
      } else {
        waiting.add(start.replyTo());
      }
      return Effect().none();
    }
    waiting.add(start.replyTo());
    return Effect().persist(new MergeRequested(start.request(), now())).thenRun(this::driveNext);
  }

  private Effect<Event, State> stepAnswered(State state, StepAnswered answer) {
    Optional<MergeStep> expected = state.next();
    if (expected.isEmpty() || expected.get() != answer.step()) {
      return Effect().none(); // a late answer to a step already settled
    }
    MergeStep step = answer.step();
    CaseReply reply = answer.reply();
    boolean compensation = state.status() == Status.COMPENSATING;
    if (reply instanceof Rejected rejected && rejected.code() != ErrorCode.UNAVAILABLE) {
      if (compensation) {
        // a compensation cannot be refused by a case in this tenant; keep asking, operators see
        // the saga as stuck
        context.getLog().error("Merge saga {}: {} refused: {}", sagaId, step, rejected);
        timers.startSingleTimer(new Resume(), RETRY_AFTER);
        return Effect().none();
      }
      return Effect()
          .persist(new StepRefused(step, rejected.code().code(), rejected.args(), now()))
          .thenRun(this::driveNext);
    }
    if (reply == null || reply instanceof Rejected) {
      timers.startSingleTimer(new Resume(), RETRY_AFTER);
      return Effect().none();
    }
    Event done = compensation ? new CompensationDone(step, now()) : new StepDone(step, now());
    return Effect()
        .persist(done)
        .thenRun(
            after -> {
              if (step == MergeStep.START) {
                faults.reached(FaultInjection.MERGE_STARTED);
              }
              driveNext(after);
            });
  }

  private Effect<Event, State> finish(State state) {
    if (!state.exists() || state.status().finished() || state.next().isPresent()) {
      return Effect().none();
    }
    Status end = state.status() == Status.RUNNING ? Status.COMPLETED : Status.COMPENSATED;
    return Effect()
        .persist(new Finished(end, now()))
        .thenRun(
            finished -> {
              waiting.forEach(caller -> caller.tell(finished.view(sagaId)));
              waiting.clear();
            });
  }

  /** Asks for the next step, or has the end recorded once nothing is left. */
  private void driveNext(State state) {
    if (!state.exists() || state.status().finished()) {
      return;
    }
    Optional<MergeStep> next = state.next();
    if (next.isEmpty()) {
      context.getSelf().tell(new Finish());
      return;
    }
    MergeStep step = next.get();
    Request request = state.request();
    String target = targetOf(step, request);
    String other = target.equals(request.duplicate()) ? request.primary() : request.duplicate();
    String reason =
        state.refusal() == null
            ? null
            : "merge refused: "
                + state.refusal().step().actionName()
                + " "
                + state.refusal().code().code();
    context.pipeToSelf(
        sharding
            .entityRefFor(CaseEntity.TYPE_KEY, new CaseId(request.tenant(), target).entityId())
            .ask(
                (ActorRef<CaseReply> replyTo) ->
                    new CaseCommand.ApplyMergeStep(
                        request.actor(),
                        sagaId,
                        step,
                        other,
                        step == MergeStep.RECORD_IN_PRIMARY ? request.primaryVersion() : null,
                        reason,
                        null,
                        replyTo),
                askTimeout),
        (reply, failure) -> new StepAnswered(step, failure == null ? reply : null));
  }

  private static String targetOf(MergeStep step, Request request) {
    return switch (step) {
      case RECORD_IN_PRIMARY, REVERT_RECORD_IN_PRIMARY -> request.primary();
      case START, COMPLETE, REVERT_START -> request.duplicate();
    };
  }
}
