package io.caseflow.cases;

import static io.caseflow.cases.TestPrincipals.ALICE;
import static io.caseflow.cases.TestPrincipals.BOB;
import static io.caseflow.testing.TestWorkflows.ONBOARDING;
import static io.caseflow.testkit.CaseCommands.by;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.caseflow.app.SerializationOnly;
import io.caseflow.cases.CaseEvent.ActionPerformed;
import io.caseflow.cases.CaseEvent.CaseOpened;
import io.caseflow.cases.CaseReply.Accepted;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.CaseReply.Replayed;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.observe.Tracing;
import io.caseflow.testing.RecordedSpans;
import io.caseflow.testing.TestWorkflows;
import io.caseflow.testkit.CaseCommands;
import io.caseflow.testkit.WorkflowFixture;
import io.caseflow.workflow.WorkflowRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The entity's wiring: it persists what the decider decides, and recovers what it persisted. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class CaseEntityTest {

  static final Config CONFIG =
      SerializationOnly.settings(ConfigFactory.parseResources("application.conf"))
          .withFallback(EventSourcedBehaviorTestKit.config());
  static final Instant START = Instant.parse("2026-11-22T09:00:00Z");
  static final CaseId CASE = new CaseId("acme", "c-1");
  static final String REQUEST_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(CONFIG).build();

  private final MutableClock clock = new MutableClock(START);
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final RecordedSpans spans = new RecordedSpans();
  private EventSourcedBehaviorTestKit<CaseCommand, CaseEvent, CaseState> kase;

  @BeforeEach
  void newCase() {
    kase =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            CaseEntity.create(
                CASE,
                TestWorkflows.REGISTRY,
                clock,
                new CaseTags(4),
                new CommandMetrics(metrics, TestWorkflows.REGISTRY),
                spans.tracer()));
    kase.clear();
  }

  @AfterEach
  void closeSpans() {
    spans.close();
  }

  @Test
  void tracesACommandInItsRequestsTraceAndKeepsTheTraceOutOfTheHash() {
    opened();
    var result = run(by(ALICE).tracedBy(REQUEST_TRACE), c -> c.perform("submit"));

    ActionPerformed performed = result.eventOfType(ActionPerformed.class);
    assertEquals(REQUEST_TRACE, performed.traceparent(), "the event keeps the request's trace");
    assertEquals(
        HashChain.hashOf(performed),
        HashChain.hashOf(
            new ActionPerformed(
                performed.caseId(),
                performed.tenant(),
                performed.actor(),
                performed.at(),
                performed.seq(),
                performed.action(),
                performed.from(),
                performed.to(),
                performed.comment(),
                performed.data(),
                performed.requestKey(),
                performed.prevHash(),
                HashEncoding.CURRENT.version(),
                performed.hash(),
                null)),
        "the trace is metadata: with or without it, the event hashes the same");
    assertTrue(HashChain.firstBrokenSeq(journal()).isEmpty());

    SpanData handling = spans.only("case PerformAction");
    assertEquals("0af7651916cd43dd8448eb211c80319c", handling.getTraceId());
    assertEquals("b7ad6b7169203331", handling.getParentSpanId(), "child of the request's span");
    assertEquals("c-1", handling.getAttributes().get(Tracing.CASE_ID));
    assertEquals(CommandMetrics.ACCEPTED, handling.getAttributes().get(Tracing.OUTCOME));
    SpanData persist = spans.named("journal persist").get(1);
    assertEquals(handling.getSpanId(), persist.getParentSpanId(), "the persist is the command's");
    assertEquals(handling.getTraceId(), persist.getTraceId());
  }

  @Test
  void aRefusalEndsTheCommandsSpanWithItsCodeAndPersistsNothing() {
    opened();
    var result = run(by(BOB).tracedBy(REQUEST_TRACE), c -> c.perform("submit"));

    Rejected refusal = result.replyOfType(Rejected.class);
    SpanData handling = spans.only("case PerformAction");
    assertEquals(refusal.code().code(), handling.getAttributes().get(Tracing.OUTCOME));
    assertEquals(1, spans.named("journal persist").size(), "only the opening was persisted");
  }

  @Test
  void aCommandWithoutATraceStartsOneAndItsEventCarriesNone() {
    var result =
        run(by(ALICE).withData(Map.of("riskLevel", "low")), c -> c.open(ONBOARDING, "ACME-1"));
    assertEquals(null, result.eventOfType(CaseOpened.class).traceparent());
    SpanData handling = spans.only("case OpenCase");
    assertFalse(handling.getParentSpanContext().isValid(), "a root span of its own");
  }

  @Test
  void persistsTheOpeningAndRepliesWithTheCaseItMade() {
    var result =
        run(by(ALICE).withData(Map.of("riskLevel", "high")), c -> c.open(ONBOARDING, "ACME-1"));

    CaseOpened opened = result.eventOfType(CaseOpened.class);
    assertEquals(START, opened.at());
    assertEquals(List.of(opened), journal());
    CaseView view = result.replyOfType(Accepted.class).view();
    assertEquals("draft", view.state());
    assertEquals(1, view.version());
  }

  @Test
  void aRefusalPersistsNothing() {
    var result = run(by(ALICE), c -> c.perform("submit"));
    assertTrue(result.hasNoEvents());
    assertEquals(ErrorCode.CASE_NOT_FOUND, result.replyOfType(Rejected.class).code());
    assertTrue(journal().isEmpty());
  }

  @Test
  void stampsEventsWithTheClockInMicroseconds() {
    opened();
    clock.advance(Duration.ofNanos(5_001_234));
    ActionPerformed performed =
        run(by(ALICE), c -> c.perform("submit")).eventOfType(ActionPerformed.class);
    assertEquals(START.plus(Duration.ofNanos(5_001_000)), performed.at());
  }

  @Test
  void idempotencyKeysSurviveRestart() {
    opened();
    run(by(ALICE).withIdempotencyKey("submit-1"), c -> c.perform("submit"));

    kase.restart();

    var retry = run(by(ALICE).withIdempotencyKey("submit-1"), c -> c.perform("submit"));
    assertTrue(retry.hasNoEvents());
    assertEquals(new Replayed(2), retry.reply());
  }

  @Test
  void eventsFormAVerifiableHashChain() {
    opened();
    run(by(ALICE), c -> c.perform("submit"));
    run(by(BOB), c -> c.perform("approve"));
    List<CaseEvent> history = journal();

    assertEquals(3, history.size());
    assertEquals(HashChain.GENESIS, history.get(0).prevHash());
    assertEquals(history.get(0).hash(), history.get(1).prevHash());
    assertEquals(history.get(1).hash(), history.get(2).prevHash());
    assertTrue(HashChain.firstBrokenSeq(history).isEmpty());
  }

  @Test
  void recoveryFromSnapshotEqualsFullReplay() {
    opened();
    for (int i = 0; i < 150; i++) {
      String note = "note " + i;
      run(by(ALICE).withIdempotencyKey("key-" + i), c -> c.comment(note));
    }
    run(by(ALICE), c -> c.perform("submit"));
    CaseState before = kase.getState();

    CaseState recovered = kase.restart().state();

    assertFalse(
        kase.snapshotTestKit()
            .orElseThrow()
            .persistedInStorage(CaseEntity.persistenceId(CASE).id())
            .isEmpty());
    assertEquals(before, recovered);
    assertEquals(CaseState.replay(journal()), recovered);
    assertEquals(152, ((Active) recovered).version());
  }

  @Test
  void countsEachCommandByWorkflowCommandAndOutcomeWithoutTakingLabelsFromTheRequest() {
    opened();
    run(by(ALICE), c -> c.perform("submit"));
    run(by(ALICE), c -> c.perform("submit"));
    run(by(ALICE), c -> c.perform("no-such-action"));
    run(by(ALICE), c -> c.open("no-such-workflow", "S"));
    run(by(ALICE), c -> c.get());

    assertEquals(1, commands(ONBOARDING, "open", CommandMetrics.ACCEPTED));
    assertEquals(1, commands(ONBOARDING, "submit", CommandMetrics.ACCEPTED));
    assertEquals(1, commands(ONBOARDING, "submit", ErrorCode.INVALID_TRANSITION.code()));
    assertEquals(1, commands(ONBOARDING, CommandMetrics.UNKNOWN, ErrorCode.UNKNOWN_ACTION.code()));
    assertEquals(
        5,
        metrics.get("caseflow.commands").timers().stream().mapToLong(Timer::count).sum(),
        "reads are not commands; an open of a case that exists is counted by its workflow");
    assertEquals(2, metrics.get("caseflow.journal.persist").timer().count());
  }

  private long commands(String workflow, String command, String outcome) {
    return metrics
        .find("caseflow.commands")
        .tags("workflow", workflow, "command", command, "outcome", outcome)
        .timers()
        .stream()
        .mapToLong(Timer::count)
        .sum();
  }

  /**
   * A case whose workflow version is no longer deployed answers a command with a code, not by
   * crashing into a timeout (which callers saw as {@code 503 unavailable}), and persists nothing.
   */
  @Test
  void aCommandOnARetiredWorkflowVersionIsRefusedAndPersistsNothing() {
    List<CaseEvent> history =
        WorkflowFixture.of(TestWorkflows.REGISTRY)
            .forCase(CASE)
            .at(START)
            .givenOpened("alice", ONBOARDING, Map.of("riskLevel", "low"))
            .andPerformed("alice", "submit")
            .history();
    WorkflowRegistry withoutOnboarding =
        WorkflowRegistry.of(
            TestWorkflows.REGISTRY.all().stream()
                .filter(workflow -> !workflow.name().equals(ONBOARDING))
                .toList());
    EventSourcedBehaviorTestKit<CaseCommand, CaseEvent, CaseState> retired =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            CaseEntity.create(
                CASE,
                withoutOnboarding,
                clock,
                new CaseTags(4),
                new CommandMetrics(metrics, withoutOnboarding),
                spans.tracer()));
    retired.initialize(history.toArray());

    for (Function<CaseCommands, CaseCommand> command :
        List.<Function<CaseCommands, CaseCommand>>of(
            c -> c.perform("approve"), c -> c.comment("anyone?"), c -> c.assign("bob"))) {
      var result =
          retired.<CaseReply>runCommand(replyTo -> command.apply(by(BOB).replyingTo(replyTo)));
      assertTrue(result.hasNoEvents());
      assertEquals(ErrorCode.WORKFLOW_VERSION_RETIRED, result.replyOfType(Rejected.class).code());
    }
    var read = retired.<CaseReply>runCommand(replyTo -> by(BOB).replyingTo(replyTo).get());
    assertEquals("in_review", read.replyOfType(Accepted.class).view().state());
    assertEquals(history, journal());
  }

  private void opened() {
    run(by(ALICE).withData(Map.of("riskLevel", "low")), c -> c.open(ONBOARDING, "S"));
  }

  private CommandResultWithReply<CaseCommand, CaseEvent, CaseState, CaseReply> run(
      CaseCommands commands, Function<CaseCommands, CaseCommand> command) {
    return kase.runCommand(replyTo -> command.apply(commands.replyingTo(replyTo)));
  }

  private List<CaseEvent> journal() {
    return kase
        .persistenceTestKit()
        .persistedInStorage(CaseEntity.persistenceId(CASE).id())
        .stream()
        .map(CaseEvent.class::cast)
        .toList();
  }
}
