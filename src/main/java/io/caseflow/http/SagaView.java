package io.caseflow.http;

import io.caseflow.saga.MergeSaga;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A merge saga as {@code GET /sagas/{id}} and {@code POST /cases/{id}/merge} show it: steps by the
 * names the cases' histories record them under, codes and statuses as the rest of the API spells
 * them (lower case).
 */
record SagaView(
    String id,
    String kind,
    String tenant,
    String status,
    String duplicate,
    String primary,
    String requestedBy,
    List<Step> steps,
    List<Step> compensations,
    Refusal refusal,
    Instant startedAt,
    Instant updatedAt) {

  record Step(String step, String outcome, Instant at) {}

  record Refusal(String step, String code, Map<String, String> args) {}

  static SagaView of(MergeSaga.View saga) {
    MergeSaga.Refusal refusal = saga.refusal();
    return new SagaView(
        saga.id(),
        saga.kind(),
        saga.tenant(),
        saga.status().id(),
        saga.duplicate(),
        saga.primary(),
        saga.requestedBy(),
        steps(saga.steps()),
        steps(saga.compensations()),
        refusal == null
            ? null
            : new Refusal(refusal.step().actionName(), refusal.code().code(), refusal.args()),
        saga.startedAt(),
        saga.updatedAt());
  }

  private static List<Step> steps(List<MergeSaga.StepTaken> taken) {
    return taken.stream()
        .map(
            step ->
                new Step(step.step().actionName(), step.refused() ? "refused" : "done", step.at()))
        .toList();
  }
}
