package io.caseflow.saga;

import io.caseflow.JsonSerializable;
import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseCommand;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.workflow.WorkflowRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * The claim on one subject of one workflow in one tenant, for workflows that allow a single open
 * case per subject. Opening such a case is a small saga run by this entity: the claim is persisted
 * first ({@link Claimed}), then the case is opened; its answer confirms the claim ({@link
 * Confirmed}) or, when the case refuses to open, releases it ({@link Released}). A claim still
 * pending after a crash is driven again when the entity wakes (the saga recovery job wakes it), and
 * the open is idempotent (it carries an idempotency key), so a claim ends confirmed with its case
 * open or released, never dangling.
 *
 * <p>A held claim is released when its case is closed (a terminal state, or merged into another
 * case). The case does not report that; the claim finds out when another open for the subject asks,
 * by asking the case, so no message can be lost on the way.
 */
public final class SubjectClaim
    extends SagaEntity<SubjectClaim.Command, SubjectClaim.Event, SubjectClaim.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "SubjectClaim");

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /**
   * The open a claim is for, kept in the claim's events so it can be driven again ({@code
   * traceparent}: the request's trace, which the open continues; null in claims written before).
   */
  public record OpenRequest(
      String caseId,
      Principal principal,
      String workflow,
      String subject,
      String title,
      Map<String, Object> data,
      String idempotencyKey,
      String traceparent) {

    public OpenRequest {
      data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** The same open with other values: its personal ones sealed. */
    public OpenRequest withValues(String newSubject, String newTitle, Map<String, Object> newData) {
      return new OpenRequest(
          caseId, principal, workflow, newSubject, newTitle, newData, idempotencyKey, traceparent);
    }

    CaseCommand.OpenCase command(ActorRef<CaseReply> replyTo) {
      return new CaseCommand.OpenCase(
          principal, workflow, subject, title, data, idempotencyKey, traceparent, replyTo);
    }

    CaseId id() {
      return new CaseId(principal.tenant(), caseId);
    }
  }

  public sealed interface Command extends JsonSerializable {}

  /** Open the case of {@code request} if the subject is free; answered as the case answers. */
  public record Open(OpenRequest request, ActorRef<CaseReply> replyTo) implements Command {}

  /** Drive a pending claim again (sent by the saga recovery job; a no-op otherwise). */
  public record Resume() implements Command {}

  /** The case's answer to the open of the claim made with {@code key}. */
  private record OpenAnswered(String caseId, String key, CaseReply reply) implements Command {}

  /** The case as it is, asked when it said it exists already: is it the claim's own? */
  private record ExistingCaseAnswered(String caseId, String key, CaseReply reply, Rejected refusal)
      implements Command {}

  private record HolderAnswered(String holder, CaseReply reply, Open waiting) implements Command {}

  public sealed interface Event extends JsonSerializable {
    Instant at();
  }

  public record Claimed(OpenRequest request, Instant at) implements Event {}

  public record Confirmed(String caseId, Instant at) implements Event {}

  /** {@code reason}: the code the case refused to open with, or {@code case_closed}. */
  public record Released(String caseId, String reason, Instant at) implements Event {}

  /** A subject is free, claimed for a case not yet open, or held by an open case. */
  public sealed interface State extends JsonSerializable {

    default State apply(Event event) {
      if (event instanceof Claimed claimed) {
        return new Pending(claimed.request());
      }
      if (event instanceof Confirmed confirmed) {
        return new Held(confirmed.caseId());
      }
      return new Free();
    }
  }

  public record Free() implements State {}

  /** Claimed for {@code request}'s case, whose open has not been answered yet. */
  public record Pending(OpenRequest request) implements State {

    boolean awaits(String caseId, String key) {
      return request.caseId().equals(caseId) && request.idempotencyKey().equals(key);
    }
  }

  /** Held by an open case (until it closes; see the class comment). */
  public record Held(String caseId) implements State {}

  /**
   * Where the claim on a subject lives: readable tenant and workflow, the subject hashed ({@code
   * subject}: the subject's identity, its reference when it is sealed personal data).
   */
  public static String entityId(String tenant, String workflow, String subject) {
    return tenant + "/" + workflow + "/" + CanonicalJson.sha256(Map.of("subject", subject));
  }

  private final String entityId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ClusterSharding sharding;
  private final WorkflowRegistry workflows;
  private final Duration askTimeout;
  private final FaultInjection faults;

  /**
   * Callers waiting for the pending open's outcome (in memory: a crash answers them by timeout).
   */
  private final List<ActorRef<CaseReply>> waiting = new ArrayList<>();

  private SubjectClaim(
      String entityId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      SagaContext saga) {
    super(PersistenceId.of(TYPE_KEY.name(), entityId), saga.clock());
    this.entityId = entityId;
    this.context = context;
    this.timers = timers;
    this.sharding = saga.sharding();
    this.workflows = saga.workflows();
    this.askTimeout = saga.settings().stepTimeout();
    this.faults = saga.faults();
  }

  static Behavior<Command> create(String entityId, SagaContext saga) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new SubjectClaim(entityId, context, timers, saga)));
  }

  @Override
  public State emptyState() {
    return new Free();
  }

  @Override
  State applied(State state, Event event) {
    return state.apply(event);
  }

  @Override
  void resume(State state) {
    drivePending(state);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    CommandHandlerBuilder<Command, Event, State> builder = newCommandHandlerBuilder();
    builder
        .forStateType(Free.class)
        .onCommand(Open.class, (free, open) -> claim(List.of(), open.request(), open.replyTo()));
    builder
        .forStateType(Pending.class)
        .onCommand(Open.class, this::openWhilePending)
        .onCommand(OpenAnswered.class, this::openAnswered)
        .onCommand(ExistingCaseAnswered.class, this::existingCaseAnswered)
        .onCommand(
            Resume.class,
            (pending, resume) -> {
              drive(pending.request());
              return Effect().none();
            });
    builder
        .forStateType(Held.class)
        .onCommand(Open.class, this::openWhileHeld)
        .onCommand(HolderAnswered.class, this::holderAnswered);
    builder
        .forAnyState()
        .onCommand(
            HolderAnswered.class,
            (changed, answer) -> {
              context.getSelf().tell(answer.waiting()); // the claim changed meanwhile: afresh
              return Effect().none();
            })
        // answers to a claim settled already, and wake-ups of a claim with nothing pending
        .onCommand(Command.class, (settled, late) -> Effect().none());
    return builder.build();
  }

  /** The claim's own case asked again waits for its open; any other is refused. */
  private Effect<Event, State> openWhilePending(Pending pending, Open open) {
    if (pending.request().caseId().equals(open.request().caseId())) {
      waiting.add(open.replyTo());
    } else {
      open.replyTo().tell(alreadyOpen(pending.request().caseId()));
    }
    return Effect().none();
  }

  /**
   * The holder itself answers a repeated open of it (replayed, or already exists); for another
   * case, the holder is asked whether it is still open.
   */
  private Effect<Event, State> openWhileHeld(Held held, Open open) {
    OpenRequest request = open.request();
    if (held.caseId().equals(request.caseId())) {
      caseRef(request.id()).tell(request.command(open.replyTo()));
      return Effect().none();
    }
    context.pipeToSelf(
        caseRef(new CaseId(request.principal().tenant(), held.caseId()))
            .ask(
                (ActorRef<CaseReply> replyTo) ->
                    new CaseCommand.GetCase(request.principal(), request.traceparent(), replyTo),
                askTimeout),
        (reply, failure) -> new HolderAnswered(held.caseId(), reply, open));
    return Effect().none();
  }

  /** Persists the claim (after releasing a closed holder's), then opens the case. */
  private Effect<Event, State> claim(
      List<Event> before, OpenRequest request, ActorRef<CaseReply> replyTo) {
    OpenRequest keyed =
        request.idempotencyKey() != null
            ? request
            : new OpenRequest(
                request.caseId(),
                request.principal(),
                request.workflow(),
                request.subject(),
                request.title(),
                request.data(),
                claimKey(lastSequenceNumber(context) + before.size() + 1),
                request.traceparent());
    List<Event> events = new ArrayList<>(before);
    events.add(new Claimed(keyed, now()));
    waiting.add(replyTo);
    return Effect()
        .persist(events)
        .thenRun(
            claimed -> {
              faults.reached(FaultInjection.SUBJECT_CLAIMED);
              drive(((Pending) claimed).request());
            });
  }

  private Effect<Event, State> holderAnswered(Held held, HolderAnswered answer) {
    Open open = answer.waiting();
    if (!answer.holder().equals(held.caseId())) {
      context.getSelf().tell(open); // another case holds it meanwhile: decide afresh
      return Effect().none();
    }
    if (answer.reply() instanceof Accepted accepted && !isClosed(accepted)) {
      open.replyTo().tell(alreadyOpen(held.caseId()));
      return Effect().none();
    }
    if (answer.reply() instanceof Accepted
        || answer.reply() instanceof Rejected rejected
            && rejected.code() == ErrorCode.CASE_NOT_FOUND) {
      return claim(
          List.of(new Released(held.caseId(), "case_closed", now())),
          open.request(),
          open.replyTo());
    }
    open.replyTo().tell(Rejected.of(ErrorCode.UNAVAILABLE, "caseId", open.request().caseId()));
    return Effect().none();
  }

  private boolean isClosed(Accepted holder) {
    return workflows
        .version(holder.view().workflow(), holder.view().workflowVersion())
        .map(workflow -> workflow.isClosed(holder.view().state()))
        .orElse(false);
  }

  private Effect<Event, State> openAnswered(Pending claim, OpenAnswered answer) {
    if (!claim.awaits(answer.caseId(), answer.key())) {
      return Effect().none(); // an answer to an earlier claim, settled already
    }
    OpenRequest pending = claim.request();
    CaseReply reply = answer.reply();
    if (reply instanceof Accepted || reply instanceof Replayed) {
      return confirm(pending, reply);
    }
    if (reply == null || ((Rejected) reply).code() == ErrorCode.UNAVAILABLE) {
      return retryLater(pending);
    }
    Rejected refused = (Rejected) reply;
    if (refused.code() == ErrorCode.CASE_ALREADY_EXISTS
        || refused.code() == ErrorCode.IDEMPOTENCY_KEY_REUSED) {
      // Perhaps the claim's own open, carried out before a crash, whose key the case no longer
      // remembers: the case itself tells.
      context.pipeToSelf(
          caseRef(pending.id())
              .ask(
                  (ActorRef<CaseReply> replyTo) ->
                      new CaseCommand.GetCase(pending.principal(), pending.traceparent(), replyTo),
                  askTimeout),
          (current, failure) ->
              new ExistingCaseAnswered(
                  pending.caseId(),
                  pending.idempotencyKey(),
                  failure == null ? current : null,
                  refused));
      return Effect().none();
    }
    return release(pending, refused);
  }

  private Effect<Event, State> existingCaseAnswered(Pending claim, ExistingCaseAnswered answer) {
    if (!claim.awaits(answer.caseId(), answer.key())) {
      return Effect().none();
    }
    OpenRequest pending = claim.request();
    if (answer.reply() instanceof Accepted existing) {
      boolean ours =
          existing.view().workflow().equals(pending.workflow())
              && existing.view().subject().equals(pending.subject())
              && !isClosed(existing);
      if (ours) {
        return confirm(pending, answer.refusal());
      }
      return release(pending, answer.refusal());
    }
    return retryLater(pending);
  }

  private Effect<Event, State> confirm(OpenRequest pending, CaseReply answer) {
    return Effect()
        .persist(new Confirmed(pending.caseId(), now()))
        .thenRun(confirmed -> answerWaiting(answer));
  }

  private Effect<Event, State> release(OpenRequest pending, Rejected refusal) {
    return Effect()
        .persist(new Released(pending.caseId(), refusal.code().code(), now()))
        .thenRun(released -> answerWaiting(refusal));
  }

  private Effect<Event, State> retryLater(OpenRequest pending) {
    timers.startSingleTimer(new Resume(), RETRY_AFTER);
    answerWaiting(Rejected.of(ErrorCode.UNAVAILABLE, "caseId", pending.caseId()));
    return Effect().none();
  }

  private void drivePending(State state) {
    if (state instanceof Pending pending) {
      drive(pending.request());
    }
  }

  /**
   * The idempotency key a claim opens its case with when the request brought none: derived from the
   * claim (this subject, the claim's place in its history), so a claim driven again after a crash
   * opens with the same key, and no two claims share one.
   */
  private String claimKey(long claimSeq) {
    return "subject-claim-"
        + CanonicalJson.sha256(Map.of("claim", entityId)).substring(0, 16)
        + "-"
        + claimSeq;
  }

  private void drive(OpenRequest request) {
    context.pipeToSelf(
        caseRef(request.id())
            .ask((ActorRef<CaseReply> replyTo) -> request.command(replyTo), askTimeout),
        (reply, failure) ->
            new OpenAnswered(
                request.caseId(), request.idempotencyKey(), failure == null ? reply : null));
  }

  private void answerWaiting(CaseReply reply) {
    waiting.forEach(caller -> caller.tell(reply));
    waiting.clear();
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<CaseCommand> caseRef(
      CaseId id) {
    return sharding.entityRefFor(CaseEntity.TYPE_KEY, id.entityId());
  }

  private static Rejected alreadyOpen(String holder) {
    return Rejected.of(ErrorCode.SUBJECT_ALREADY_OPEN, "openCaseId", holder);
  }
}
