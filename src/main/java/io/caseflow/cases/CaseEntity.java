package io.caseflow.cases;

import io.caseflow.cases.CaseCommand.AddComment;
import io.caseflow.cases.CaseCommand.ApplyMergeStep;
import io.caseflow.cases.CaseCommand.Assign;
import io.caseflow.cases.CaseCommand.Change;
import io.caseflow.cases.CaseCommand.GetCase;
import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.CaseState.Empty;
import io.caseflow.cases.CaseState.MergeLink;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowAction;
import io.caseflow.workflow.WorkflowRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.JournalPersistFailed;
import org.apache.pekko.persistence.typed.JournalPersistRejected;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One case, the only writer of its own history.
 *
 * <p>Lifecycle: a case does not exist until {@link OpenCase} persists {@link CaseOpened} in the
 * workflow's initial state (latest workflow version). From then on it follows that workflow
 * version: {@link PerformAction} moves it between states as the workflow allows, {@link Assign} and
 * {@link AddComment} annotate it, until a terminal state leaves only comments possible. Each
 * accepted command persists exactly one hash-chained event; the reply and the announcement to
 * subscribers happen only after the journal confirmed it. Every refusal is a typed {@link Rejected}
 * and writes nothing.
 */
public final class CaseEntity
    extends EventSourcedBehaviorWithEnforcedReplies<CaseCommand, CaseEvent, CaseState> {

  public static final EntityTypeKey<CaseCommand> TYPE_KEY =
      EntityTypeKey.create(CaseCommand.class, "Case");

  static final int SNAPSHOT_EVERY = 100;

  /** Immutable, so one instance serves every entity (each live entity costs heap). */
  private static final BackoffSupervisorStrategy ON_PERSIST_FAILURE =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

  public static final int MAX_SUBJECT_LENGTH = 200;
  static final int MAX_TITLE_LENGTH = 500;
  static final int MAX_TEXT_LENGTH = 10_000;
  static final int MAX_ASSIGNEE_LENGTH = 100;

  private final CaseId caseId;
  private final WorkflowRegistry workflows;
  private final Clock clock;
  private final CaseEventPublisher publisher;
  private final Set<String> tags;

  /**
   * Who waits for the event being persisted. Pekko's persist-failure signal does not carry the
   * command, so the entity remembers the caller to answer {@code unavailable} at once instead of
   * leaving it to time out. Only one persist is in flight at a time; later commands are stashed.
   */
  private ActorRef<CaseReply> awaitingPersist;

  private CaseEntity(
      CaseId caseId,
      WorkflowRegistry workflows,
      Clock clock,
      CaseEventPublisher publisher,
      CaseTags tags) {
    super(persistenceId(caseId), ON_PERSIST_FAILURE);
    this.caseId = caseId;
    this.workflows = workflows;
    this.clock = clock;
    this.publisher = publisher;
    this.tags = tags.tagsFor(caseId);
  }

  /** Where the case's events live in the journal. */
  public static PersistenceId persistenceId(CaseId caseId) {
    return PersistenceId.of(TYPE_KEY.name(), caseId.entityId());
  }

  public static Behavior<CaseCommand> create(
      CaseId caseId,
      WorkflowRegistry workflows,
      Clock clock,
      CaseEventPublisher publisher,
      CaseTags tags) {
    return Behaviors.setup(context -> new CaseEntity(caseId, workflows, clock, publisher, tags));
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
    CommandHandlerWithReplyBuilder<CaseCommand, CaseEvent, CaseState> builder =
        newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(Empty.class)
        .onCommand(OpenCase.class, this::open)
        .onCommand(CaseCommand.class, command -> Effect().reply(command.replyTo(), notFound()));
    builder
        .forStateType(Active.class)
        .onCommand(OpenCase.class, this::openAgain)
        .onCommand(GetCase.class, this::get)
        .onCommand(PerformAction.class, this::perform)
        .onCommand(Assign.class, this::assign)
        .onCommand(AddComment.class, this::comment)
        .onCommand(ApplyMergeStep.class, this::mergeStep);
    return builder.build();
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

  private ReplyEffect<CaseEvent, CaseState> open(Empty state, OpenCase command) {
    Principal principal = command.principal();
    if (!principal.tenant().equals(caseId.tenant())) {
      return reject(command, notFound());
    }
    if (command.workflow() == null || command.workflow().isBlank()) {
      return reject(command, Rejected.of(ErrorCode.MISSING_FIELD, "field", "workflow"));
    }
    Optional<Workflow> found = workflows.latest(command.workflow());
    if (found.isEmpty()) {
      return reject(
          command, Rejected.of(ErrorCode.UNKNOWN_WORKFLOW, "workflow", command.workflow()));
    }
    Workflow workflow = found.get();
    if (!principal.hasAnyRole(workflow.openRoles())) {
      return reject(command, forbidden("open", workflow.openRoles()));
    }
    Optional<Rejected> invalid =
        firstOf(
            requiredText("subject", command.subject(), MAX_SUBJECT_LENGTH),
            optionalText("title", command.title(), MAX_TITLE_LENGTH),
            invalidData(workflow, command.data()));
    if (invalid.isPresent()) {
      return reject(command, invalid.get());
    }
    String title = command.title() == null ? command.subject() : command.title();
    CaseOpened opened =
        new CaseOpened(
            caseId.id(),
            caseId.tenant(),
            principal.userId(),
            now(),
            1,
            workflow.name(),
            workflow.version(),
            command.subject(),
            title,
            workflow.initialState(),
            command.data(),
            command.requestKey(),
            HashChain.GENESIS,
            null);
    return persist(command, HashChain.seal(opened));
  }

  private ReplyEffect<CaseEvent, CaseState> openAgain(Active state, OpenCase command) {
    Optional<CaseReply> repeated = repeatedOrForeign(state, command);
    return Effect()
        .reply(
            command.replyTo(),
            repeated.orElse(Rejected.of(ErrorCode.CASE_ALREADY_EXISTS, "caseId", caseId.id())));
  }

  private ReplyEffect<CaseEvent, CaseState> get(Active state, GetCase command) {
    if (!command.principal().tenant().equals(state.tenant())) {
      return Effect().reply(command.replyTo(), notFound());
    }
    return Effect().reply(command.replyTo(), new Accepted(state.view()));
  }

  private ReplyEffect<CaseEvent, CaseState> perform(Active state, PerformAction command) {
    Optional<CaseReply> precluded = precluded(state, command);
    if (precluded.isPresent()) {
      return Effect().reply(command.replyTo(), precluded.get());
    }
    Workflow workflow = workflowOf(state);
    Optional<WorkflowAction> found = workflow.action(command.action());
    if (found.isEmpty()) {
      return reject(
          command,
          Rejected.of(
              ErrorCode.UNKNOWN_ACTION, "action", command.action(), "workflow", workflow.name()));
    }
    WorkflowAction action = found.get();
    Principal principal = command.principal();
    if (!action.from().contains(state.state())) {
      return reject(command, invalidTransition(state, action.name()));
    }
    if (!principal.hasAnyRole(action.roles())) {
      return reject(command, forbidden(action.name(), action.roles()));
    }
    for (String maker : workflow.makersOf(action.name())) {
      if (principal.userId().equals(state.lastPerformers().get(maker))) {
        return reject(
            command,
            Rejected.of(
                ErrorCode.FOUR_EYES_VIOLATION,
                "action",
                action.name(),
                "makerAction",
                maker,
                "user",
                principal.userId()));
      }
    }
    Optional<Rejected> invalid =
        firstOf(
            action.commentRequired()
                ? requiredText("comment", command.comment(), MAX_TEXT_LENGTH)
                : optionalText("comment", command.comment(), MAX_TEXT_LENGTH),
            invalidData(workflow, command.data()),
            missingRequiredField(action, state, command.data()));
    if (invalid.isPresent()) {
      return reject(command, invalid.get());
    }
    return persist(
        command,
        HashChain.seal(
            new ActionPerformed(
                caseId.id(),
                caseId.tenant(),
                principal.userId(),
                now(),
                state.version() + 1,
                action.name(),
                state.state(),
                action.to(),
                command.comment(),
                command.data(),
                command.requestKey(),
                state.lastHash(),
                null)));
  }

  private ReplyEffect<CaseEvent, CaseState> assign(Active state, Assign command) {
    Optional<CaseReply> precluded = annotationPrecluded(state, command, "assign");
    if (precluded.isPresent()) {
      return Effect().reply(command.replyTo(), precluded.get());
    }
    if (isClosed(state) || MergeStep.MERGING.equals(state.state())) {
      return reject(command, invalidTransition(state, "assign"));
    }
    if (command.assignee() != null) {
      Optional<Rejected> invalid =
          requiredText("assignee", command.assignee(), MAX_ASSIGNEE_LENGTH);
      if (invalid.isPresent()) {
        return reject(command, invalid.get());
      }
    }
    if (Objects.equals(command.assignee(), state.assignee())) {
      return Effect().reply(command.replyTo(), new Accepted(state.view()));
    }
    return persist(
        command,
        HashChain.seal(
            new AssigneeChanged(
                caseId.id(),
                caseId.tenant(),
                command.principal().userId(),
                now(),
                state.version() + 1,
                command.assignee(),
                command.requestKey(),
                state.lastHash(),
                null)));
  }

  private ReplyEffect<CaseEvent, CaseState> comment(Active state, AddComment command) {
    Optional<CaseReply> precluded = annotationPrecluded(state, command, "comment");
    if (precluded.isPresent()) {
      return Effect().reply(command.replyTo(), precluded.get());
    }
    Optional<Rejected> invalid = requiredText("text", command.text(), MAX_TEXT_LENGTH);
    if (invalid.isPresent()) {
      return reject(command, invalid.get());
    }
    return persist(
        command,
        HashChain.seal(
            new CommentAdded(
                caseId.id(),
                caseId.tenant(),
                command.principal().userId(),
                now(),
                state.version() + 1,
                command.text(),
                command.requestKey(),
                state.lastHash(),
                null)));
  }

  /**
   * A merge saga's step. A step this saga already took, or a compensation with nothing left to
   * undo, answers the case as it is and writes nothing, so a repeated message changes nothing.
   */
  private ReplyEffect<CaseEvent, CaseState> mergeStep(Active state, ApplyMergeStep command) {
    if (!command.principal().tenant().equals(state.tenant())) {
      return reject(command, notFound());
    }
    String sagaId = command.sagaId();
    boolean merging = MergeStep.MERGING.equals(state.state());
    Optional<MergeLink> mark = state.mergeBy(sagaId);
    boolean holds = mark.filter(link -> !link.reverted()).isPresent() && merging;
    Optional<MergeLink> mergeIn = state.mergeInBy(sagaId);
    boolean unchanged =
        switch (command.step()) {
          case START -> mark.isPresent() || state.mergeReverted(sagaId);
          case COMPLETE ->
              mark.filter(link -> !link.reverted()).isPresent()
                  && MergeStep.MERGED.equals(state.state());
          case REVERT_START -> !holds;
          case RECORD_IN_PRIMARY -> mergeIn.isPresent();
          case REVERT_RECORD_IN_PRIMARY -> mergeIn.filter(link -> !link.reverted()).isEmpty();
        };
    if (unchanged) {
      return Effect().reply(command.replyTo(), new Accepted(state.view()));
    }
    String action = command.step().actionName();
    boolean refused =
        switch (command.step()) {
          case START, RECORD_IN_PRIMARY -> merging || isClosed(state);
          case COMPLETE -> !holds;
          case REVERT_START, REVERT_RECORD_IN_PRIMARY -> false;
        };
    if (refused) {
      return reject(command, invalidTransition(state, action));
    }
    Long expected = command.expectedVersion();
    if (command.step() == MergeStep.RECORD_IN_PRIMARY
        && expected != null
        && expected != state.version()) {
      return reject(command, versionConflict(expected, state));
    }
    String to =
        switch (command.step()) {
          case START -> MergeStep.MERGING;
          case COMPLETE -> MergeStep.MERGED;
          case REVERT_START -> state.merge().previousState();
          case RECORD_IN_PRIMARY, REVERT_RECORD_IN_PRIMARY -> state.state();
        };
    return persist(
        command,
        HashChain.seal(
            new MergeStepRecorded(
                caseId.id(),
                caseId.tenant(),
                command.principal().userId(),
                now(),
                state.version() + 1,
                sagaId,
                action,
                command.otherCaseId(),
                state.state(),
                to,
                command.reason(),
                null,
                state.lastHash(),
                null)));
  }

  /** Closed for good: in a terminal state of its workflow, or merged into another case. */
  private boolean isClosed(Active state) {
    return workflowOf(state).isClosed(state.state());
  }

  private ReplyEffect<CaseEvent, CaseState> persist(CaseCommand command, CaseEvent event) {
    awaitingPersist = command.replyTo();
    return Effect()
        .persist(event)
        .thenRun(
            (CaseState persisted) -> {
              awaitingPersist = null;
              publisher.publish(event);
            })
        .thenReply(command.replyTo(), persisted -> new Accepted(((Active) persisted).view()));
  }

  private ReplyEffect<CaseEvent, CaseState> reject(CaseCommand command, Rejected rejection) {
    return Effect().reply(command.replyTo(), rejection);
  }

  private void answerUnavailable() {
    if (awaitingPersist != null) {
      awaitingPersist.tell(Rejected.of(ErrorCode.UNAVAILABLE, "caseId", caseId.id()));
      awaitingPersist = null;
    }
  }

  /**
   * What answers a change before any workflow rule is looked at: another tenant's principal, a
   * retried idempotency key, or a stale expected version.
   */
  private Optional<CaseReply> precluded(Active state, Change command) {
    Long expectedVersion = command.expectedVersion();
    Optional<CaseReply> repeated = repeatedOrForeign(state, command);
    if (repeated.isPresent()) {
      return repeated;
    }
    if (expectedVersion != null && expectedVersion != state.version()) {
      return Optional.of(versionConflict(expectedVersion, state));
    }
    return Optional.empty();
  }

  /** Assigning and commenting need no workflow action, only one of the workflow's roles. */
  private Optional<CaseReply> annotationPrecluded(Active state, Change command, String what) {
    Optional<CaseReply> precluded = precluded(state, command);
    if (precluded.isPresent()) {
      return precluded;
    }
    Set<String> roles = workflowOf(state).roles();
    return command.principal().hasAnyRole(roles)
        ? Optional.empty()
        : Optional.of(forbidden(what, roles));
  }

  private Optional<CaseReply> repeatedOrForeign(Active state, Change command) {
    if (!command.principal().tenant().equals(state.tenant())) {
      return Optional.of(notFound());
    }
    if (command.idempotencyKey() == null) {
      return Optional.empty();
    }
    return state
        .processed(command.idempotencyKey())
        .map(
            processed ->
                processed.fingerprint().equals(command.requestKey().fingerprint())
                    ? new Replayed(processed.seq())
                    : Rejected.of(
                        ErrorCode.IDEMPOTENCY_KEY_REUSED, "key", command.idempotencyKey()));
  }

  private Workflow workflowOf(Active state) {
    return workflows
        .version(state.workflow(), state.workflowVersion())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Case "
                        + caseId
                        + " follows workflow "
                        + state.workflow()
                        + " v"
                        + state.workflowVersion()
                        + ", which is no longer deployed"));
  }

  /** Microseconds: what every store (PostgreSQL included) keeps, so all views agree. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private Rejected versionConflict(long expected, Active state) {
    return Rejected.of(
        ErrorCode.VERSION_CONFLICT,
        "caseId",
        caseId.id(),
        "expected",
        Long.toString(expected),
        "actual",
        Long.toString(state.version()));
  }

  private Rejected invalidTransition(Active state, String action) {
    return Rejected.of(
        ErrorCode.INVALID_TRANSITION,
        "caseId",
        caseId.id(),
        "state",
        state.state(),
        "action",
        action);
  }

  private static Rejected forbidden(String action, Set<String> roles) {
    return Rejected.of(
        ErrorCode.FORBIDDEN, "action", action, "roles", String.join(", ", new TreeSet<>(roles)));
  }

  private Rejected notFound() {
    return Rejected.of(ErrorCode.CASE_NOT_FOUND, "caseId", caseId.id());
  }

  private static Optional<Rejected> requiredText(String field, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      return Optional.of(Rejected.of(ErrorCode.MISSING_FIELD, "field", field));
    }
    return optionalText(field, value, maxLength);
  }

  private static Optional<Rejected> optionalText(String field, String value, int maxLength) {
    if (value != null && (value.isBlank() || value.length() > maxLength)) {
      return Optional.of(
          Rejected.of(
              ErrorCode.INVALID_FIELD,
              "field",
              field,
              "reason",
              "must be non-blank text of at most " + maxLength + " characters"));
    }
    return Optional.empty();
  }

  private static Optional<Rejected> invalidData(Workflow workflow, Map<String, Object> data) {
    for (Map.Entry<String, Object> entry : data.entrySet()) {
      Optional<String> problem =
          workflow
              .field(entry.getKey())
              .map(spec -> spec.problemWith(entry.getValue()))
              .orElseGet(() -> Optional.of("is not a field of workflow " + workflow.name()));
      if (problem.isPresent()) {
        return Optional.of(
            Rejected.of(ErrorCode.INVALID_FIELD, "field", entry.getKey(), "reason", problem.get()));
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejected> missingRequiredField(
      WorkflowAction action, Active state, Map<String, Object> data) {
    Map<String, Object> merged = new HashMap<>(state.data());
    merged.putAll(data);
    return action.requiredFields().stream()
        .filter(field -> !merged.containsKey(field))
        .findFirst()
        .map(
            field -> Rejected.of(ErrorCode.MISSING_FIELD, "field", field, "action", action.name()));
  }

  @SafeVarargs
  private static Optional<Rejected> firstOf(Optional<Rejected>... checks) {
    for (Optional<Rejected> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }
}
