package io.caseflow.cases;

import io.caseflow.cases.CaseCommand.AddComment;
import io.caseflow.cases.CaseCommand.ApplyMergeStep;
import io.caseflow.cases.CaseCommand.Assign;
import io.caseflow.cases.CaseCommand.Change;
import io.caseflow.cases.CaseCommand.Explain;
import io.caseflow.cases.CaseCommand.FireDeadline;
import io.caseflow.cases.CaseCommand.GetCase;
import io.caseflow.cases.CaseCommand.MigrateWorkflow;
import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseEvent.MergeStepRecorded;
import io.caseflow.cases.CaseEvent.Stamp;
import io.caseflow.cases.CaseEvent.WorkflowMigrated;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Explanation;
import io.caseflow.cases.CaseReply.PendingDeadline;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.CaseReply.Verdict;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.workflow.Deadline;
import io.caseflow.workflow.DueDate;
import io.caseflow.workflow.FieldSpec;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowAction;
import io.caseflow.workflow.WorkflowRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A case's rules, apart from actors and storage: given what the case is, a command and the time,
 * either the one event to persist or the answer that writes nothing. Pure: the same inputs always
 * decide the same, so it is tested without running anything.
 *
 * <p>Lifecycle: a case that does not exist accepts only {@link OpenCase}. An existing one answers
 * only its own tenant; it replays a retried idempotency key and refuses a stale expected version
 * before any workflow rule is looked at. Actions follow the case's workflow version; assigning and
 * commenting need one of the workflow's roles. A closed case (terminal state, or merged) takes
 * comments, and compensations of merges that touched it; a case a merge saga holds takes comments
 * and that saga's steps. A case whose workflow version is no longer deployed can still be read and
 * migrated to a deployed version; everything else is refused with {@code workflow_version_retired}.
 */
public final class CaseDecider {

  public static final int MAX_SUBJECT_LENGTH = 200;
  static final int MAX_TITLE_LENGTH = 500;
  static final int MAX_TEXT_LENGTH = 10_000;
  static final int MAX_ASSIGNEE_LENGTH = 100;

  /** What a command comes to. */
  public sealed interface Decision {

    /** Persist this event; the caller is then answered with the case it made. */
    record Persist(CaseEvent event) implements Decision {}

    /** Write nothing and answer this. */
    record Answer(CaseReply reply) implements Decision {}
  }

  private final CaseId caseId;
  private final WorkflowRegistry workflows;

  public CaseDecider(CaseId caseId, WorkflowRegistry workflows) {
    this.caseId = caseId;
    this.workflows = workflows;
  }

  public Decision decide(CaseState state, CaseCommand command, Instant now) {
    if (state instanceof Active active) {
      return decide(active, command, now);
    }
    return command instanceof OpenCase open ? open(open, now) : refuse(notFound());
  }

  private Decision decide(Active state, CaseCommand command, Instant now) {
    if (!command.principal().tenant().equals(state.tenant())) {
      return refuse(notFound());
    }
    if (command instanceof GetCase) {
      return unchanged(state);
    }
    Optional<Rejected> retired = retiredVersion(state);
    if (command instanceof Explain explain) {
      return new Decision.Answer(
          retired.isPresent() ? retired.get() : explain(state, explain.principal(), now));
    }
    if (command instanceof ApplyMergeStep step) {
      return mergeStep(state, step, retired, now);
    }
    Change change = (Change) command;
    Optional<CaseReply> repeated = repeated(state, change);
    if (repeated.isPresent()) {
      return new Decision.Answer(repeated.get());
    }
    if (change instanceof OpenCase) {
      return refuse(Rejected.of(ErrorCode.CASE_ALREADY_EXISTS, "caseId", caseId.id()));
    }
    // The way off a retired version: the newer version's migration, which needs nothing of it.
    if (change instanceof MigrateWorkflow migrate) {
      return migrate(state, migrate, now);
    }
    if (retired.isPresent()) {
      return refuse(retired.get());
    }
    if (change instanceof FireDeadline fire) {
      return fire(state, fire, now);
    }
    Long expected = change.expectedVersion();
    if (expected != null && expected != state.version()) {
      return refuse(versionConflict(expected, state));
    }
    if (change instanceof PerformAction perform) {
      return perform(state, perform, now);
    }
    Workflow workflow = workflowOf(state);
    String annotation = change instanceof Assign ? "assign" : "comment";
    if (!change.principal().hasAnyRole(workflow.roles())) {
      return refuse(forbidden(annotation, workflow.roles()));
    }
    if (change instanceof Assign assign) {
      return assign(state, workflow, assign, now);
    }
    return comment(state, (AddComment) change, now);
  }

  private Decision open(OpenCase command, Instant now) {
    Principal principal = command.principal();
    if (!principal.tenant().equals(caseId.tenant())) {
      return refuse(notFound());
    }
    if (command.workflow() == null || command.workflow().isBlank()) {
      return refuse(Rejected.of(ErrorCode.MISSING_FIELD, "field", "workflow"));
    }
    Optional<Workflow> found = workflows.latest(command.workflow());
    if (found.isEmpty()) {
      return refuse(Rejected.of(ErrorCode.UNKNOWN_WORKFLOW, "workflow", command.workflow()));
    }
    Workflow workflow = found.get();
    if (!principal.hasAnyRole(workflow.openRoles())) {
      return refuse(forbidden("open", workflow.openRoles()));
    }
    Optional<Rejected> invalid =
        firstOf(
            text(
                "subject",
                command.subject(),
                workflow.personalSubject(),
                () -> subjectProblem(command.subject())),
            text(
                "title",
                command.title(),
                workflow.personalTitle(),
                () -> optionalText("title", command.title(), MAX_TITLE_LENGTH)),
            invalidData(workflow, command.data()));
    if (invalid.isPresent()) {
      return refuse(invalid.get());
    }
    Stamp stamp =
        new Stamp(
            caseId.id(),
            caseId.tenant(),
            principal.userId(),
            now,
            1,
            command.requestKey(),
            HashChain.GENESIS,
            command.traceparent());
    return persist(
        new CaseOpened(
            stamp,
            workflow.name(),
            workflow.version(),
            command.subject(),
            command.title() == null ? command.subject() : command.title(),
            workflow.initialState(),
            command.data()));
  }

  private Decision perform(Active state, PerformAction command, Instant now) {
    Workflow workflow = workflowOf(state);
    Optional<WorkflowAction> found = workflow.action(command.action());
    if (found.isEmpty()) {
      return refuse(
          Rejected.of(
              ErrorCode.UNKNOWN_ACTION, "action", command.action(), "workflow", workflow.name()));
    }
    WorkflowAction action = found.get();
    Principal principal = command.principal();
    if (!action.from().contains(state.state())) {
      return refuse(invalidTransition(state, action.name()));
    }
    if (action.roles().isEmpty()) {
      return refuse(deadlinePending(state, workflow, action.name()));
    }
    if (!principal.hasAnyRole(action.roles())) {
      return refuse(forbidden(action.name(), action.roles()));
    }
    for (String maker : workflow.makersOf(action.name())) {
      if (principal.userId().equals(state.lastPerformers().get(maker))) {
        return refuse(
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
      return refuse(invalid.get());
    }
    return persist(
        new ActionPerformed(
            stamp(state, command, now),
            action.name(),
            state.state(),
            action.to(),
            command.comment(),
            command.data()));
  }

  /**
   * Every action of the case's workflow, decided for {@code principal} now exactly as a command
   * would be (with no data, comment or expected version: an action that needs them says which), and
   * the deadlines running where the case is.
   */
  private CaseReply explain(Active state, Principal principal, Instant now) {
    Workflow workflow = workflowOf(state);
    List<Verdict> verdicts = verdicts(state, principal, now);
    List<PendingDeadline> deadlines = new ArrayList<>();
    if (!workflow.isClosed(state.state())) {
      for (Deadline deadline : workflow.deadlinesIn(state.state())) {
        deadlines.add(
            new PendingDeadline(
                deadline.key(), deadline.action(), state.stateSince().plus(deadline.after())));
      }
      workflow
          .due()
          .filter(
              due ->
                  workflow
                      .action(due.action())
                      .map(action -> action.from().contains(state.state()))
                      .orElse(false))
          .ifPresent(
              due ->
                  dueAt(state, due)
                      .ifPresent(
                          at -> deadlines.add(new PendingDeadline(DueDate.KEY, due.action(), at))));
    }
    return new Explanation(state.view(), state.stateSeq(), state.stateSince(), verdicts, deadlines);
  }

  /**
   * The case moved to a newer version of its workflow, its state mapped by that version's migration
   * from the case's version. A case the migration maps nowhere, one a merge holds, or one already
   * at (or past) that version refuses.
   */
  private Decision migrate(Active state, MigrateWorkflow migrate, Instant now) {
    Optional<Workflow> target = workflows.version(state.workflow(), migrate.toVersion());
    if (target.isEmpty()) {
      return refuse(
          Rejected.of(
              ErrorCode.UNKNOWN_WORKFLOW,
              "workflow",
              state.workflow() + " v" + migrate.toVersion()));
    }
    Optional<String> to =
        state.workflowVersion() >= migrate.toVersion() || MergeStep.MERGING.equals(state.state())
            ? Optional.empty()
            : target
                .get()
                .migrationFrom(state.workflowVersion())
                .flatMap(m -> m.target(state.state()));
    if (to.isEmpty()) {
      return refuse(invalidTransition(state, "migrate"));
    }
    return persist(
        new WorkflowMigrated(
            stamp(state, migrate, now),
            migrate.operationId(),
            state.workflowVersion(),
            migrate.toVersion(),
            state.state(),
            to.get()));
  }

  /**
   * Each action of the case's workflow judged for {@code principal} now, by the rules a command
   * would meet: a refusal carries the code and arguments the command would get. None when the
   * case's version is not deployed: nothing says what its actions are.
   */
  public List<Verdict> verdicts(Active state, Principal principal, Instant now) {
    List<Verdict> verdicts = new ArrayList<>();
    if (retiredVersion(state).isPresent()) {
      return verdicts;
    }
    for (WorkflowAction action : workflowOf(state).actions().values()) {
      Decision decision =
          perform(
              state,
              new PerformAction(principal, action.name(), null, Map.of(), null, null, null, null),
              now);
      verdicts.add(
          decision instanceof Decision.Answer answer && answer.reply() instanceof Rejected rejected
              ? new Verdict(action.name(), false, rejected.code(), rejected.args())
              : new Verdict(action.name(), true, null, Map.of()));
    }
    return verdicts;
  }

  /**
   * A deadline come due: its action, performed by the system, if the case is still where the
   * deadline began (the state it entered at {@code startedSeq}, or the due date set then) and the
   * deadline is due. A case that moved on since refuses as for any action not allowed now.
   */
  private Decision fire(Active state, FireDeadline fire, Instant now) {
    Workflow workflow = workflowOf(state);
    Optional<String> action = deadlineAction(state, workflow, fire);
    if (action.isEmpty()) {
      return refuse(invalidTransition(state, fire.deadline()));
    }
    WorkflowAction declared = workflow.action(action.get()).orElseThrow();
    if (!declared.from().contains(state.state())) {
      return refuse(invalidTransition(state, declared.name()));
    }
    if (now.isBefore(fire.dueAt())) {
      return refuse(
          Rejected.of(
              ErrorCode.DEADLINE_PENDING,
              "action",
              declared.name(),
              "dueAt",
              fire.dueAt().toString()));
    }
    return persist(
        new ActionPerformed(
            stamp(state, fire, now),
            declared.name(),
            state.state(),
            declared.to(),
            fire.deadline().equals(DueDate.KEY)
                ? "due date " + fire.dueAt() + " passed"
                : "deadline: " + fire.dueAt() + " passed in " + state.state(),
            Map.of()));
  }

  /** The action of the deadline {@code fire} names, if the case is still where it began. */
  private static Optional<String> deadlineAction(
      Active state, Workflow workflow, FireDeadline fire) {
    if (state.stateSeq() != fire.startedSeq()) {
      return Optional.empty();
    }
    if (fire.deadline().equals(DueDate.KEY)) {
      return workflow
          .due()
          // due_timers keeps microseconds, as every timestamp column does
          .filter(
              due ->
                  dueAt(state, due)
                      .map(at -> at.truncatedTo(ChronoUnit.MICROS))
                      .filter(fire.dueAt().truncatedTo(ChronoUnit.MICROS)::equals)
                      .isPresent())
          .map(DueDate::action);
    }
    return workflow.deadlinesIn(state.state()).stream()
        .filter(deadline -> deadline.key().equals(fire.deadline()))
        .map(Deadline::action)
        .findFirst();
  }

  /** The case's due date as its data holds it (an ISO instant), if it has one. */
  private static Optional<Instant> dueAt(Active state, DueDate due) {
    return Optional.ofNullable(state.data().get(due.field())).map(FieldSpec::instantOf);
  }

  /**
   * An action only the system takes: when its deadline comes due in this state (or the due date
   * passes).
   */
  private static Rejected deadlinePending(Active state, Workflow workflow, String action) {
    Optional<Instant> due =
        workflow.deadlinesIn(state.state()).stream()
            .filter(deadline -> deadline.action().equals(action))
            .map(deadline -> state.stateSince().plus(deadline.after()))
            .findFirst()
            .or(
                () ->
                    workflow
                        .due()
                        .filter(dueDate -> dueDate.action().equals(action))
                        .flatMap(dueDate -> dueAt(state, dueDate)));
    return Rejected.of(
        ErrorCode.DEADLINE_PENDING,
        "action",
        action,
        "dueAt",
        due.map(Instant::toString).orElse("not set"));
  }

  private Decision assign(Active state, Workflow workflow, Assign command, Instant now) {
    if (workflow.isClosed(state.state()) || MergeStep.MERGING.equals(state.state())) {
      return refuse(invalidTransition(state, "assign"));
    }
    if (command.assignee() != null) {
      Optional<Rejected> invalid =
          requiredText("assignee", command.assignee(), MAX_ASSIGNEE_LENGTH);
      if (invalid.isPresent()) {
        return refuse(invalid.get());
      }
    }
    if (Objects.equals(command.assignee(), state.assignee())) {
      return unchanged(state);
    }
    return persist(new AssigneeChanged(stamp(state, command, now), command.assignee()));
  }

  private Decision comment(Active state, AddComment command, Instant now) {
    Optional<Rejected> invalid = requiredText("text", command.text(), MAX_TEXT_LENGTH);
    if (invalid.isPresent()) {
      return refuse(invalid.get());
    }
    return persist(new CommentAdded(stamp(state, command, now), command.text()));
  }

  /**
   * A merge saga's step. A step this saga already took, or a compensation with nothing left to
   * undo, answers the case as it is and writes nothing, so a repeated message changes nothing.
   */
  private Decision mergeStep(
      Active state, ApplyMergeStep command, Optional<Rejected> retired, Instant now) {
    MergeStep step = command.step();
    if (step.alreadyTaken(state, command.sagaId())) {
      return unchanged(state);
    }
    if (retired.isPresent()) {
      return refuse(retired.get());
    }
    if (step.refused(state, command.sagaId(), workflowOf(state).isClosed(state.state()))) {
      return refuse(invalidTransition(state, step.actionName()));
    }
    Long expected = command.expectedVersion();
    if (step == MergeStep.RECORD_IN_PRIMARY && expected != null && expected != state.version()) {
      return refuse(versionConflict(expected, state));
    }
    return persist(
        new MergeStepRecorded(
            stamp(state, command, now),
            command.sagaId(),
            step.actionName(),
            command.otherCaseId(),
            state.state(),
            step.target(state),
            command.reason()));
  }

  /** The header every event after the first carries: who, when, where in the chain. */
  private static Stamp stamp(Active state, CaseCommand command, Instant now) {
    return new Stamp(
        state.caseId(),
        state.tenant(),
        command.principal().userId(),
        now,
        state.version() + 1,
        command instanceof Change change ? change.requestKey() : null,
        state.lastHash(),
        command.traceparent());
  }

  private static Optional<CaseReply> repeated(Active state, Change command) {
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

  /**
   * The refusal of a case whose workflow version is no longer deployed, if it is: a case keeps the
   * version it was opened with, and without that definition no rule of it can be judged. Start-up
   * refuses to run without a version open cases follow, so this is a closed case (which would take
   * comments), or one whose events the start-up check could not see.
   */
  private Optional<Rejected> retiredVersion(Active state) {
    if (workflows.version(state.workflow(), state.workflowVersion()).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        Rejected.of(
            ErrorCode.WORKFLOW_VERSION_RETIRED,
            "caseId",
            caseId.id(),
            "workflow",
            state.workflow(),
            "workflowVersion",
            Integer.toString(state.workflowVersion())));
  }

  /** The case's workflow version; every caller has refused a retired one first. */
  private Workflow workflowOf(Active state) {
    return workflows
        .version(state.workflow(), state.workflowVersion())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Case " + caseId + " follows a version that is no longer deployed"));
  }

  private static Decision persist(CaseEvent event) {
    return new Decision.Persist(HashChain.seal(event));
  }

  private static Decision unchanged(Active state) {
    return new Decision.Answer(new Accepted(state.view()));
  }

  private static Decision refuse(Rejected rejection) {
    return new Decision.Answer(rejection);
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

  /** Why a case's subject is unacceptable, if it is: required, non-blank, bounded. */
  public static Optional<Rejected> subjectProblem(String subject) {
    return requiredText("subject", subject, MAX_SUBJECT_LENGTH);
  }

  private static Optional<Rejected> requiredText(String field, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      return Optional.of(Rejected.of(ErrorCode.MISSING_FIELD, "field", field));
    }
    return optionalText(field, value, maxLength);
  }

  /**
   * A case text's problem: a personal one must arrive sealed (it was checked when sealed), any
   * other is checked by {@code plain} and may not look sealed.
   */
  private static Optional<Rejected> text(
      String field, String value, boolean personal, Supplier<Optional<Rejected>> plain) {
    if (value == null) {
      return plain.get();
    }
    Optional<String> problem =
        personal
            ? PersonalData.personalProblem(value)
            : PersonalData.isSealed(value)
                ? Optional.of(PersonalData.NOT_A_TOKEN)
                : Optional.empty();
    return problem
        .map(reason -> Rejected.of(ErrorCode.INVALID_FIELD, "field", field, "reason", reason))
        .or(() -> personal ? Optional.empty() : plain.get());
  }

  static Optional<Rejected> optionalText(String field, String value, int maxLength) {
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
              .map(spec -> PersonalData.problemWith(spec, entry.getValue()))
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
  static Optional<Rejected> firstOf(Optional<Rejected>... checks) {
    for (Optional<Rejected> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }
}
