package io.caseflow.saga;

import io.caseflow.query.CaseSelection;
import io.caseflow.workflow.WorkflowRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What the saga entities share: where the cases are, the workflows, time, settings; and for bulk
 * operations, the read side's cases and a pool to read them on.
 */
record SagaContext(
    ClusterSharding sharding,
    WorkflowRegistry workflows,
    Clock clock,
    SagaSettings settings,
    FaultInjection faults,
    CaseCandidates candidates,
    Executor blocking) {

  /** A page of the ids of the cases a selection finds, in id order (blocking). */
  @FunctionalInterface
  interface CaseCandidates {
    List<String> page(String tenant, CaseSelection selection, String afterId, int limit);
  }
}
