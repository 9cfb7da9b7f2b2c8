package io.caseflow.saga;

import io.caseflow.workflow.WorkflowRegistry;
import java.time.Clock;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** What the saga entities share: where the cases are, the workflows, time, settings. */
record SagaContext(
    ClusterSharding sharding,
    WorkflowRegistry workflows,
    Clock clock,
    SagaSettings settings,
    FaultInjection faults) {}
