package io.caseflow.testkit;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseCommand;
import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseDecider;
import io.caseflow.cases.CaseDecider.Decision;
import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.AssigneeChanged;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseEvent.CommentAdded;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.CaseState;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.cases.CaseView;
import io.caseflow.cases.ErrorCode;
import io.caseflow.cases.HashChain;
import io.caseflow.cases.HashEncoding;
import io.caseflow.cases.PersonalData;
import io.caseflow.cases.PersonalData.Sealing;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowAction;
import io.caseflow.workflow.WorkflowRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tests a workflow definition against the real rules of a case, without running the service: given
 * a history, when a command arrives, expect the event it records or the code it is refused with.
 *
 * <pre>{@code
 * WorkflowFixture.of(Path.of("conf/workflows"))
 *     .givenOpened("alice", "due-diligence", Map.of("riskLevel", "high"))
 *     .andPerformed("alice", "submit")
 *     .when(CaseCommands.by(alice).perform("approve"))
 *     .expectRejected(ErrorCode.FOUR_EYES_VIOLATION);
 * }</pre>
 *
 * <p>Given histories are sealed into a valid hash chain, so the case under test is one the service
 * itself could have recorded. Failed expectations throw {@link AssertionError}, so the fixture
 * works under any test framework. The case is {@code acme/c-1} and the time {@link #DEFAULT_NOW}
 * unless {@link #forCase} and {@link #at} say otherwise.
 */
public final class WorkflowFixture {

  public static final Instant DEFAULT_NOW = Instant.parse("2026-01-05T09:00:00Z");

  private final WorkflowRegistry workflows;
  private final CaseId caseId;
  private final Instant now;
  private final FixtureKeys keys;

  private WorkflowFixture(
      WorkflowRegistry workflows, CaseId caseId, Instant now, FixtureKeys keys) {
    this.workflows = workflows;
    this.caseId = caseId;
    this.now = now;
    this.keys = keys;
  }

  /** The definitions in a directory of {@code *.conf} files, validated as the service would. */
  public static WorkflowFixture of(Path workflowDirectory) {
    return of(WorkflowRegistry.fromDirectory(workflowDirectory));
  }

  public static WorkflowFixture of(WorkflowRegistry workflows) {
    return new WorkflowFixture(
        workflows, new CaseId("acme", "c-1"), DEFAULT_NOW, new FixtureKeys());
  }

  public WorkflowFixture forCase(CaseId id) {
    return new WorkflowFixture(workflows, id, now, keys);
  }

  /** The time commands arrive at (truncated to microseconds, as the service keeps it). */
  public WorkflowFixture at(Instant time) {
    return new WorkflowFixture(workflows, caseId, time.truncatedTo(ChronoUnit.MICROS), keys);
  }

  /** A case that does not exist yet. */
  public Scenario givenNothing() {
    return new Scenario(List.of(), new CaseState.Empty(), now);
  }

  /**
   * A case with this history. Each event is placed on the fixture's case and re-sealed in order
   * (sequence numbers from 1, each linked to its predecessor's hash); its other fields stay.
   */
  public Scenario given(CaseEvent... history) {
    Scenario scenario = givenNothing();
    for (CaseEvent event : history) {
      scenario = scenario.andGiven(event);
    }
    return scenario;
  }

  /**
   * A case opened by {@code actor} in the initial state of the latest version of {@code workflow},
   * with the case id as its subject and title (personal values sealed, as the service seals them).
   */
  public Scenario givenOpened(String actor, String workflow, Map<String, Object> data) {
    Workflow definition =
        workflows
            .latest(workflow)
            .orElseThrow(() -> new IllegalArgumentException("no workflow named " + workflow));
    Sealing.Sealed values =
        given(
            PersonalData.seal(
                definition,
                caseId.id(),
                caseId.id(),
                data,
                keys.sealer(caseId.tenant(), caseId.id())));
    return givenNothing()
        .andGiven(
            new CaseOpened(
                caseId.id(),
                caseId.tenant(),
                actor,
                now,
                1,
                definition.name(),
                definition.version(),
                values.subject(),
                values.title(),
                definition.initialState(),
                values.data(),
                null,
                HashChain.GENESIS,
                HashEncoding.CURRENT.version(),
                null,
                null));
  }

  /** A given value that would be refused is a mistake in the test. */
  private static Sealing.Sealed given(Sealing sealing) {
    if (sealing instanceof Sealing.Refused refused) {
      throw new IllegalArgumentException("a given value is refused: " + refused.rejection());
    }
    return (Sealing.Sealed) sealing;
  }

  /**
   * The command with its personal values sealed, as the HTTP layer seals them before a case sees
   * them; a value the sealing refuses comes back as the refusal.
   */
  private Object withPersonalValuesSealed(CaseState state, CaseCommand command) {
    if (command instanceof OpenCase open) {
      Optional<Workflow> workflow =
          Optional.ofNullable(open.workflow())
              .flatMap(workflows::latest)
              .filter(Workflow::holdsPersonalData);
      if (workflow.isEmpty() || open.subject() == null || open.subject().isBlank()) {
        return command;
      }
      Sealing sealing =
          PersonalData.seal(
              workflow.get(),
              open.subject(),
              open.title(),
              open.data(),
              keys.sealer(open.principal().tenant(), open.subject()));
      return sealing instanceof Sealing.Sealed values
          ? new OpenCase(
              open.principal(),
              open.workflow(),
              values.subject(),
              values.title(),
              values.data(),
              open.idempotencyKey(),
              open.traceparent(),
              open.replyTo())
          : ((Sealing.Refused) sealing).rejection();
    }
    if (command instanceof PerformAction perform && state instanceof Active active) {
      Optional<Workflow> workflow =
          workflows
              .version(active.workflow(), active.workflowVersion())
              .filter(definition -> PersonalData.holdsPersonalFields(definition, perform.data()));
      if (workflow.isEmpty()) {
        return command;
      }
      Sealing sealing =
          PersonalData.sealData(
              workflow.get(), perform.data(), keys.sealerOfCase(active.tenant(), active.subject()));
      return sealing instanceof Sealing.Sealed values
          ? new PerformAction(
              perform.principal(),
              perform.action(),
              perform.comment(),
              values.data(),
              perform.expectedVersion(),
              perform.idempotencyKey(),
              perform.traceparent(),
              perform.replyTo())
          : ((Sealing.Refused) sealing).rejection();
    }
    return command;
  }

  /** A history so far, and the case it made. */
  public final class Scenario {

    private final List<CaseEvent> history;
    private final CaseState state;
    private final Instant at;

    private Scenario(List<CaseEvent> history, CaseState state, Instant at) {
      this.history = List.copyOf(history);
      this.state = state;
      this.at = at;
    }

    public List<CaseEvent> history() {
      return history;
    }

    public CaseState state() {
      return state;
    }

    /** The scenario with time moved on: the next given event or command happens that much later. */
    public Scenario after(Duration elapsed) {
      return new Scenario(history, state, at.plus(elapsed).truncatedTo(ChronoUnit.MICROS));
    }

    /** The case after {@code actor} took {@code action}, as the case's workflow moves it. */
    public Scenario andPerformed(String actor, String action) {
      return andPerformed(actor, action, null, Map.of());
    }

    public Scenario andPerformed(
        String actor, String action, String comment, Map<String, Object> data) {
      Active active = active();
      Workflow workflow =
          workflows.version(active.workflow(), active.workflowVersion()).orElseThrow();
      WorkflowAction declared =
          workflow
              .action(action)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          active.workflow()
                              + " v"
                              + active.workflowVersion()
                              + " has no "
                              + action));
      Map<String, Object> values =
          PersonalData.holdsPersonalFields(workflow, data)
              ? given(
                      PersonalData.sealData(
                          workflow, data, keys.sealerOfCase(active.tenant(), active.subject())))
                  .data()
              : data;
      return andGiven(
          new ActionPerformed(
              caseId.id(),
              caseId.tenant(),
              actor,
              at,
              0,
              action,
              active.state(),
              declared.to(),
              comment,
              values,
              null,
              null,
              HashEncoding.CURRENT.version(),
              null,
              null));
    }

    public Scenario andAssigned(String actor, String assignee) {
      active();
      return andGiven(
          new AssigneeChanged(
              caseId.id(),
              caseId.tenant(),
              actor,
              at,
              0,
              assignee,
              null,
              null,
              HashEncoding.CURRENT.version(),
              null,
              null));
    }

    public Scenario andCommented(String actor, String text) {
      active();
      return andGiven(
          new CommentAdded(
              caseId.id(),
              caseId.tenant(),
              actor,
              at,
              0,
              text,
              null,
              null,
              HashEncoding.CURRENT.version(),
              null,
              null));
    }

    /** The case after this event, placed on the fixture's case and sealed onto the chain. */
    public Scenario andGiven(CaseEvent event) {
      CaseEvent sealed = HashChain.seal(onChain(event));
      List<CaseEvent> next = new ArrayList<>(history);
      next.add(sealed);
      return new Scenario(next, state.apply(sealed), at);
    }

    /**
     * The subject's personal data erased: its key forgotten, so views show its values as {@value
     * PersonalData#ERASED}, as the service's erasure does.
     */
    public Scenario andErased(String subject) {
      keys.erase(caseId.tenant(), subject);
      return this;
    }

    /**
     * Decides {@code command} against the case as the service would, at the scenario's time; its
     * personal values are sealed first, as the HTTP layer seals them.
     */
    public Outcome when(CaseCommand command) {
      Object toDecide = withPersonalValuesSealed(state, command);
      if (toDecide instanceof Rejected refused) {
        return new Outcome(this, null, refused);
      }
      Decision decision =
          new CaseDecider(caseId, workflows).decide(state, (CaseCommand) toDecide, at);
      if (decision instanceof Decision.Persist persist) {
        CaseEvent event = persist.event();
        List<CaseEvent> next = new ArrayList<>(history);
        next.add(event);
        if (HashChain.firstBrokenSeq(next).isPresent()) {
          throw new AssertionError("the recorded event does not continue the chain: " + event);
        }
        Active after = (Active) state.apply(event);
        return new Outcome(new Scenario(next, after, at), event, new Accepted(after.view()));
      }
      return new Outcome(this, null, ((Decision.Answer) decision).reply());
    }

    private Active active() {
      if (state instanceof Active active) {
        return active;
      }
      throw new IllegalStateException("the case is not open yet: give its opening first");
    }

    private CaseEvent onChain(CaseEvent event) {
      Map<String, Object> fields = CanonicalJson.parseObject(CanonicalJson.toJson(event));
      fields.put("caseId", caseId.id());
      fields.put("tenant", caseId.tenant());
      fields.put("seq", history.size() + 1);
      fields.put("prevHash", history.isEmpty() ? HashChain.GENESIS : last().hash());
      fields.remove("hash");
      return CanonicalJson.parse(CanonicalJson.toJson(fields), event.getClass());
    }

    private CaseEvent last() {
      return history.get(history.size() - 1);
    }
  }

  /** What a command came to: at most one recorded event, and the reply. */
  public final class Outcome {

    private final Scenario after;
    private final CaseEvent event;
    private final CaseReply reply;

    private Outcome(Scenario after, CaseEvent event, CaseReply reply) {
      this.after = after;
      this.event = event;
      this.reply = reply;
    }

    public CaseReply reply() {
      return reply;
    }

    /** The one event the command recorded, which must be of that type. */
    public <E extends CaseEvent> E expectEvent(Class<E> type) {
      if (!type.isInstance(event)) {
        throw new AssertionError("expected a " + type.getSimpleName() + ", got " + described());
      }
      return type.cast(event);
    }

    /** The refusal, which must carry {@code code}; nothing was recorded. */
    public Rejected expectRejected(ErrorCode code) {
      if (!(reply instanceof Rejected rejected) || rejected.code() != code) {
        throw new AssertionError("expected a refusal " + code.code() + ", got " + described());
      }
      return rejected;
    }

    /** The case as it was: the command was answered without recording anything. */
    public CaseView expectUnchanged() {
      if (event != null || !(reply instanceof Accepted accepted)) {
        throw new AssertionError("expected the case unchanged, got " + described());
      }
      return accepted.view();
    }

    /** A retried idempotency key: the event it first recorded, and nothing new. */
    public Replayed expectReplayed() {
      if (!(reply instanceof Replayed replayed)) {
        throw new AssertionError("expected a replay, got " + described());
      }
      return replayed;
    }

    /** The case after the command, which must have been accepted. */
    /** The case the command was answered with, its personal values opened (or erased). */
    public CaseView view() {
      if (!(reply instanceof Accepted accepted)) {
        throw new AssertionError("expected the command accepted, got " + described());
      }
      return CanonicalJson.parse(
          PersonalData.revealJson(CanonicalJson.toJson(accepted.view()), keys), CaseView.class);
    }

    /** Goes on from the case as the command left it. */
    public Scenario then() {
      return after;
    }

    private String described() {
      return event != null ? "event " + event.typeName() + " " + event : "reply " + reply;
    }
  }
}
