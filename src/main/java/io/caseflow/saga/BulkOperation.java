package io.caseflow.saga;

import io.caseflow.JsonSerializable;
import io.caseflow.cases.CaseCommand;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.Principal;
import io.caseflow.query.CaseSelection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * One bulk operation on a tenant's cases: a migration of every case of one version of a workflow to
 * a newer version, or a reassignment of the cases a selection finds. Cases are taken a page at a
 * time, in id order, from the read side; the page is recorded before its cases get their commands,
 * each with an idempotency key of the operation's, so the page a crash interrupted is sent again
 * when the operation wakes (the saga recovery job wakes it): no case changes twice, and a case the
 * crash left changed answers as done. Progress (cases done, failed with the code their case refused
 * with) is persisted page by page; a cancel stops the operation after the page in flight.
 */
public final class BulkOperation
    extends SagaEntity<BulkOperation.Command, BulkOperation.Event, BulkOperation.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "BulkOperation");

  /** The kinds' names in {@code saga_status}. */
  static final Set<String> KINDS = Set.of("migration", "reassignment");

  static final int PAGE = 50;
  static final int FAILURES_KEPT = 500;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  public enum Kind {
    MIGRATION,
    REASSIGNMENT;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where an operation stands: running, completed (every case tried), or cancelled. */
  public enum Status {
    RUNNING,
    COMPLETED,
    CANCELLED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What to do to which cases: {@code selection} finds them (a migration's is its workflow and
   * version); a migration moves them to {@code toVersion}, a reassignment to {@code assignee}.
   */
  public record Request(
      Kind kind,
      String tenant,
      Principal actor,
      CaseSelection selection,
      Integer toVersion,
      String assignee)
      implements JsonSerializable {}

  /** A case the operation could not change, and the code its case refused with. */
  public record Failure(String caseId, String code) implements JsonSerializable {}

  public sealed interface Command extends JsonSerializable {}

  /** Starts the operation, or (same id) answers it as it is, at once. */
  public record Start(Request request, long total, ActorRef<View> replyTo) implements Command {}

  public record Get(ActorRef<Found> replyTo) implements Command {}

  /** The answer to {@link Get}: the operation, or null when there is none. */
  public record Found(View view) implements JsonSerializable {}

  public record Cancel(ActorRef<Found> replyTo) implements Command {}

  /** Drive the operation on (the saga recovery job; a no-op for a finished one). */
  public record Resume() implements Command {}

  private record PageRead(List<String> caseIds) implements Command {}

  private record PageAnswered(String lastCaseId, int done, List<Failure> failures, boolean retry)
      implements Command {}

  public sealed interface Event extends JsonSerializable {
    Instant at();
  }

  public record Started(Request request, long total, Instant at) implements Event {}

  /** The next page of cases, taken before any of them is sent its command. */
  public record PageTaken(List<String> caseIds, Instant at) implements Event {}

  /** A page of cases tried: the last one's id, how many changed, which refused. */
  public record Progressed(String lastCaseId, int done, List<Failure> failures, Instant at)
      implements Event {}

  public record CancelRequested(Instant at) implements Event {}

  public record Finished(Status status, Instant at) implements Event {}

  /** What {@code GET /admin/migrations/{id}} and {@code /admin/bulk/{id}} show. */
  public record View(
      String id,
      String kind,
      String tenant,
      String status,
      String requestedBy,
      CaseSelection selection,
      Integer toVersion,
      String assignee,
      long total,
      long done,
      long failed,
      List<Failure> failures,
      boolean cancelRequested,
      Instant startedAt,
      Instant updatedAt)
      implements JsonSerializable {

    public boolean finished() {
      return !status.equals(Status.RUNNING.id());
    }
  }

  public record State(
      Request request,
      long total,
      String cursor,
      List<String> inFlight,
      long done,
      long failed,
      List<Failure> failures,
      boolean cancelRequested,
      Status status,
      Instant startedAt,
      Instant updatedAt)
      implements JsonSerializable {

    public State {
      failures = failures == null ? List.of() : List.copyOf(failures);
      inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
    }

    static State empty() {
      return new State(null, 0, null, List.of(), 0, 0, List.of(), false, null, null, null);
    }

    boolean exists() {
      return request != null;
    }

    State apply(Event event) {
      if (event instanceof Started started) {
        return new State(
            started.request(),
            started.total(),
            null,
            List.of(),
            0,
            0,
            List.of(),
            false,
            Status.RUNNING,
            started.at(),
            started.at());
      }
      if (event instanceof PageTaken taken) {
        return new State(
            request,
            total,
            cursor,
            taken.caseIds(),
            done,
            failed,
            failures,
            cancelRequested,
            status,
            startedAt,
            taken.at());
      }
      if (event instanceof Progressed page) {
        List<Failure> kept = new ArrayList<>(failures);
        page.failures().stream().limit(Math.max(0, FAILURES_KEPT - kept.size())).forEach(kept::add);
        return new State(
            request,
            total,
            page.lastCaseId(),
            List.of(),
            done + page.done(),
            failed + page.failures().size(),
            kept,
            cancelRequested,
            status,
            startedAt,
            page.at());
      }
      if (event instanceof CancelRequested cancel) {
        return new State(
            request,
            total,
            cursor,
            inFlight,
            done,
            failed,
            failures,
            true,
            status,
            startedAt,
            cancel.at());
      }
      Finished finished = (Finished) event;
      return new State(
          request,
          total,
          cursor,
          inFlight,
          done,
          failed,
          failures,
          cancelRequested,
          finished.status(),
          startedAt,
          finished.at());
    }

    View view(String id) {
      return new View(
          id,
          request.kind().id(),
          request.tenant(),
          status.id(),
          request.actor().userId(),
          request.selection(),
          request.toVersion(),
          request.assignee(),
          total,
          done,
          failed,
          failures,
          cancelRequested,
          startedAt,
          updatedAt);
    }
  }

  private final String operationId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final SagaContext saga;

  /** A page is in flight: a wake-up or a repeated signal must not start another beside it. */
  private boolean working;

  private BulkOperation(
      String operationId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      SagaContext saga) {
    super(PersistenceId.of(TYPE_KEY.name(), operationId), saga.clock());
    this.operationId = operationId;
    this.context = context;
    this.timers = timers;
    this.sharding = saga.sharding();
    this.askTimeout = saga.settings().stepTimeout();
    this.saga = saga;
  }

  static Behavior<Command> create(String operationId, SagaContext saga) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(timers -> new BulkOperation(operationId, context, timers, saga)));
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
    nextPage(state);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Start.class, this::start)
        .onCommand(
            Get.class,
            (state, get) -> {
              get.replyTo().tell(new Found(state.exists() ? state.view(operationId) : null));
              return Effect().none();
            })
        .onCommand(Cancel.class, this::cancel)
        .onCommand(
            Resume.class,
            (state, resume) -> {
              nextPage(state);
              return Effect().none();
            })
        .onCommand(PageRead.class, this::pageRead)
        .onCommand(PageAnswered.class, this::pageAnswered)
        .build();
  }

  private Effect<Event, State> start(State state, Start start) {
    if (state.exists()) {
      start.replyTo().tell(state.view(operationId));
      return Effect().none();
    }
    return Effect()
        .persist(new Started(start.request(), start.total(), now()))
        .thenRun(
            started -> {
              start.replyTo().tell(started.view(operationId));
              nextPage(started);
            });
  }

  private Effect<Event, State> cancel(State state, Cancel cancel) {
    if (!state.exists() || state.status() != Status.RUNNING || state.cancelRequested()) {
      cancel.replyTo().tell(new Found(state.exists() ? state.view(operationId) : null));
      return Effect().none();
    }
    return Effect()
        .persist(new CancelRequested(now()))
        .thenRun(
            after -> {
              cancel.replyTo().tell(new Found(after.view(operationId)));
              if (!working) {
                nextPage(after);
              }
            });
  }

  /**
   * Sends the page in flight again (a crash or a silent case interrupted it), or reads the next
   * page of cases (off the actor: the read side is a database), or finishes.
   */
  private void nextPage(State state) {
    if (working || !state.exists() || state.status() != Status.RUNNING) {
      return;
    }
    if (!state.inFlight().isEmpty()) {
      working = true;
      send(state.request(), state.inFlight());
      return;
    }
    if (state.cancelRequested()) {
      context.getSelf().tell(new PageRead(List.of()));
      return;
    }
    working = true;
    Request request = state.request();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () ->
                saga.candidates().page(request.tenant(), request.selection(), state.cursor(), PAGE),
            saga.blocking()),
        (ids, failure) -> {
          if (failure != null) {
            context.getLog().warn("Bulk operation {}: cannot read cases", operationId, failure);
            return new PageAnswered(state.cursor(), 0, List.of(), true);
          }
          return new PageRead(ids);
        });
  }

  /** Records the page read, then sends its cases their commands; an empty page ends the run. */
  private Effect<Event, State> pageRead(State state, PageRead page) {
    if (page.caseIds().isEmpty()) {
      working = false;
      Status end = state.cancelRequested() ? Status.CANCELLED : Status.COMPLETED;
      return state.status() == Status.RUNNING
          ? Effect().persist(new Finished(end, now()))
          : Effect().none();
    }
    return Effect()
        .persist(new PageTaken(page.caseIds(), now()))
        .thenRun(taken -> send(taken.request(), taken.inFlight()));
  }

  /** Sends each case of the page its command, all at once, and gathers their answers. */
  private void send(Request request, List<String> caseIds) {
    List<CompletableFuture<CaseReply>> answers =
        caseIds.stream().map(caseId -> send(request, caseId)).toList();
    // Piped as the page's answer, never allOf's null: an answer that arrives after a stop took the
    // actor is a dead letter, and Pekko's dead-letter logger fails (an ERROR) on a piped null.
    context.pipeToSelf(
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
            .handle((all, failure) -> answered(caseIds, answers)),
        (page, failure) -> page);
  }

  private static PageAnswered answered(
      List<String> caseIds, List<CompletableFuture<CaseReply>> answers) {
    int done = 0;
    List<Failure> failures = new ArrayList<>();
    for (int i = 0; i < caseIds.size(); i++) {
      CaseReply reply = answers.get(i).getNow(null);
      if (reply == null
          || reply instanceof Rejected rejected && rejected.code() == ErrorCode.UNAVAILABLE) {
        return new PageAnswered(null, 0, List.of(), true); // the whole page again, later
      }
      if (reply instanceof Rejected rejected) {
        failures.add(new Failure(caseIds.get(i), rejected.code().code()));
      } else {
        done++;
      }
    }
    return new PageAnswered(caseIds.get(caseIds.size() - 1), done, failures, false);
  }

  private Effect<Event, State> pageAnswered(State state, PageAnswered answer) {
    working = false;
    if (answer.retry()) {
      timers.startSingleTimer(new Resume(), RETRY_AFTER);
      return Effect().none();
    }
    return Effect()
        .persist(new Progressed(answer.lastCaseId(), answer.done(), answer.failures(), now()))
        .thenRun(this::nextPage);
  }

  private CompletableFuture<CaseReply> send(Request request, String caseId) {
    return sharding
        .entityRefFor(CaseEntity.TYPE_KEY, new CaseId(request.tenant(), caseId).entityId())
        .<CaseReply>ask(
            replyTo ->
                switch (request.kind()) {
                  case MIGRATION ->
                      new CaseCommand.MigrateWorkflow(
                          request.actor(), request.toVersion(), operationId, null, replyTo);
                  case REASSIGNMENT ->
                      new CaseCommand.Assign(
                          request.actor(),
                          request.assignee(),
                          null,
                          "bulk:" + operationId,
                          null,
                          replyTo);
                },
            askTimeout)
        .toCompletableFuture()
        .exceptionally(timeout -> null);
  }
}
