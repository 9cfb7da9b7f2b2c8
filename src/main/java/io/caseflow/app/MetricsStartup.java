package io.caseflow.app;

import io.caseflow.notify.Webhooks;
import io.caseflow.observe.DatabaseGauges;
import io.caseflow.observe.DatabaseGauges.Derived;
import io.caseflow.observe.DatabaseGauges.Reading;
import io.caseflow.query.CaseQueries;
import io.caseflow.query.CaseQueries.StateCount;
import io.caseflow.readside.CaseProjection;
import io.caseflow.readside.DeadLetters;
import io.caseflow.readside.ProjectionLag;
import io.caseflow.readside.ReadSideAdmin;
import io.caseflow.saga.SagaStatus;
import io.caseflow.saga.Sagas;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The figures {@code /metrics} reads from the database, each from the query its own package keeps:
 * cases by workflow and state (the read side's counters), projection lag, read-side dead letters,
 * the webhook backlog and sagas by status.
 */
final class MetricsStartup {

  private MetricsStartup() {}

  static void declare(
      DatabaseGauges gauges,
      WorkflowRegistry workflows,
      CaseQueries queries,
      ReadSideAdmin readSide,
      Webhooks webhooks,
      Sagas sagas) {
    gauges
        .add(
            "caseflow.cases",
            "Cases by workflow and state, over every tenant",
            () -> cases(workflows, queries.totals()))
        .add(
            readSide::lag,
            List.of(
                new Derived<List<ProjectionLag.Lag>>(
                    "caseflow.projection.lag.events",
                    "Events journaled that a projection has not applied yet",
                    lags ->
                        lags.stream()
                            .map(lag -> Reading.of(lag.eventsBehind(), projection(lag.tag())))
                            .toList()),
                new Derived<List<ProjectionLag.Lag>>(
                    "caseflow.projection.lag.seconds",
                    "Age of the oldest event a projection has not applied yet (0 when caught up)",
                    lags ->
                        lags.stream()
                            .map(lag -> Reading.of(lag.secondsBehind(), projection(lag.tag())))
                            .toList())))
        .add(
            "caseflow.projection.dead.letters",
            "Events the read side could not apply: skipped ones, and those still retried",
            () -> deadLetters(readSide.deadLetters()))
        .add(
            "caseflow.webhook.undelivered",
            "Webhook deliveries not made yet, by delivery_status: pending (the backlog) or dead"
                + " (waiting for a re-drive)",
            () ->
                webhooks.undeliveredByStatus().entrySet().stream()
                    .map(count -> Reading.of(count.getValue(), "delivery_status", count.getKey()))
                    .toList())
        .add(
            () -> new SagaFigures(sagas.countsByKindAndStatus(), sagas.unfinished()),
            List.of(
                new Derived<SagaFigures>(
                    "caseflow.sagas",
                    "Sagas by kind and saga_status",
                    figures -> sagaCounts(figures.counts())),
                new Derived<SagaFigures>(
                    "caseflow.sagas.stuck",
                    "Unfinished sagas that have not moved for caseflow.sagas.stuck-after",
                    figures -> stuckSagas(figures.counts().keySet(), figures.unfinished()))));
  }

  private record SagaFigures(
      Map<String, Map<String, Long>> counts, List<SagaStatus.Row> unfinished) {}

  /**
   * Every state a workflow declares, at zero while no case is in it, so that a series drops to zero
   * instead of ending when the last case leaves.
   */
  private static List<Reading> cases(WorkflowRegistry workflows, List<StateCount> counts) {
    Map<List<String>, Long> cases = new LinkedHashMap<>();
    for (Workflow workflow : workflows.all()) {
      workflow.states().forEach(state -> cases.put(List.of(workflow.name(), state), 0L));
    }
    counts.forEach(
        count -> cases.merge(List.of(count.workflow(), count.state()), count.cases(), Long::sum));
    return cases.entrySet().stream()
        .map(
            count ->
                Reading.of(
                    count.getValue(),
                    "workflow",
                    count.getKey().get(0),
                    "state",
                    count.getKey().get(1)))
        .toList();
  }

  private static String[] projection(String key) {
    return new String[] {"projection", CaseProjection.NAME, "key", key};
  }

  private static List<Reading> deadLetters(List<DeadLetters.DeadLetter> letters) {
    long skipped = letters.stream().filter(DeadLetters.DeadLetter::skipped).count();
    return List.of(
        Reading.of(skipped, "skipped", "true"),
        Reading.of(letters.size() - skipped, "skipped", "false"));
  }

  private static List<Reading> sagaCounts(Map<String, Map<String, Long>> counts) {
    List<Reading> readings = new ArrayList<>();
    counts.forEach(
        (kind, byStatus) ->
            byStatus.forEach(
                (status, sagas) ->
                    readings.add(Reading.of(sagas, "kind", kind, "saga_status", status))));
    return readings;
  }

  /** Every kind there is, at zero when none is stuck, so its series drops to zero. */
  private static List<Reading> stuckSagas(Set<String> kinds, List<SagaStatus.Row> unfinished) {
    Map<String, Long> stuck = new TreeMap<>();
    kinds.forEach(kind -> stuck.put(kind, 0L));
    unfinished.forEach(row -> stuck.merge(row.kind(), row.stuck() ? 1L : 0L, Long::sum));
    return stuck.entrySet().stream()
        .map(count -> Reading.of(count.getValue(), "kind", count.getKey()))
        .toList();
  }
}
