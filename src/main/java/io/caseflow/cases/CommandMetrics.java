package io.caseflow.cases;

import io.caseflow.cases.CaseCommand.AddComment;
import io.caseflow.cases.CaseCommand.ApplyMergeStep;
import io.caseflow.cases.CaseCommand.Assign;
import io.caseflow.cases.CaseCommand.FireDeadline;
import io.caseflow.cases.CaseCommand.GetCase;
import io.caseflow.cases.CaseCommand.OpenCase;
import io.caseflow.cases.CaseCommand.PerformAction;
import io.caseflow.cases.CaseState.Active;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the case entities did: every command by workflow, command (an action's own name for actions)
 * and outcome ({@code accepted} or the refusal's code), timed from the entity taking it to its
 * reply; and how long the journal took to store each event.
 *
 * <p>Label values come from the workflow definitions and the error catalogue, never from the
 * request as written: a misspelt workflow or action is counted as {@code unknown}, so no caller can
 * add series to the registry. Reads ({@link GetCase}, {@link CaseCommand.Explain}) are not commands
 * and are not counted.
 */
public final class CommandMetrics {

  public static final String ACCEPTED = "accepted";
  static final String UNKNOWN = "unknown";

  /** Buckets wide enough for a saturated node, few enough for every label combination. */
  public static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final WorkflowRegistry workflows;
  private final Meter.MeterProvider<Timer> commands;
  private final Timer persists;

  public CommandMetrics(MeterRegistry registry, WorkflowRegistry workflows) {
    this.workflows = workflows;
    this.commands =
        Timer.builder("caseflow.commands")
            .description("Commands the case entities answered, from taking one to its reply")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .withRegistry(registry);
    this.persists =
        Timer.builder("caseflow.journal.persist")
            .description("From an entity's decision to persist an event to the journal's ack")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
  }

  /** One command's outcome; {@code state} is the case as the command found it. */
  void answered(CaseState state, CaseCommand command, String outcome, long receivedNanos) {
    if (command instanceof CaseCommand.Read) {
      return;
    }
    Optional<Workflow> workflow = workflowOf(state, command);
    commands
        .withTags(
            "workflow",
            workflow.map(Workflow::name).orElse(UNKNOWN),
            "command",
            commandName(workflow, command),
            "outcome",
            outcome)
        .record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
  }

  void persisted(long decidedNanos) {
    persists.record(System.nanoTime() - decidedNanos, TimeUnit.NANOSECONDS);
  }

  private Optional<Workflow> workflowOf(CaseState state, CaseCommand command) {
    if (state instanceof Active active) {
      return workflows.version(active.workflow(), active.workflowVersion());
    }
    if (command instanceof OpenCase open && open.workflow() != null) {
      return workflows.latest(open.workflow());
    }
    return Optional.empty();
  }

  private static String commandName(Optional<Workflow> workflow, CaseCommand command) {
    if (command instanceof PerformAction perform) {
      return workflow.flatMap(w -> w.action(perform.action())).isPresent()
          ? perform.action()
          : UNKNOWN;
    }
    if (command instanceof OpenCase) {
      return "open";
    }
    if (command instanceof Assign) {
      return "assign";
    }
    if (command instanceof AddComment) {
      return "comment";
    }
    if (command instanceof FireDeadline) {
      return "deadline";
    }
    if (command instanceof CaseCommand.MigrateWorkflow) {
      return "migrate";
    }
    return command instanceof ApplyMergeStep ? "merge_step" : UNKNOWN;
  }
}
