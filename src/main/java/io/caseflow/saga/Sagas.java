package io.caseflow.saga;

import io.caseflow.cases.CanonicalJson;
import io.caseflow.cases.CaseDecider;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.PersonalData;
import io.caseflow.query.CaseQueries;
import io.caseflow.saga.SubjectClaim.OpenRequest;
import io.caseflow.workflow.Workflow;
import io.caseflow.workflow.WorkflowRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-case coordination: opening cases of workflows with one open case per subject (through
 * {@link SubjectClaim}), merging cases ({@link MergeSaga}), and keeping unfinished sagas moving
 * after a crash ({@link #wakeUnfinished}).
 */
public final class Sagas {

  private static final Logger log = LoggerFactory.getLogger(Sagas.class);

  private final ClusterSharding sharding;
  private final WorkflowRegistry workflows;
  private final CaseQueries cases;
  private final SagaStatus status;
  private final Duration askTimeout;
  private final Clock clock;
  private final Duration recoveryInterval;
  private final Executor blocking;

  private Sagas(
      ClusterSharding sharding,
      WorkflowRegistry workflows,
      CaseQueries cases,
      SagaStatus status,
      Duration askTimeout,
      Clock clock,
      Duration recoveryInterval,
      Executor blocking) {
    this.sharding = sharding;
    this.workflows = workflows;
    this.cases = cases;
    this.status = status;
    this.askTimeout = askTimeout;
    this.clock = clock;
    this.recoveryInterval = recoveryInterval;
    this.blocking = blocking;
  }

  /** Starts the saga entities' sharding and the saga status projection on this node. */
  public static Sagas start(
      ActorSystem<?> system,
      ClusterSharding sharding,
      WorkflowRegistry workflows,
      Clock clock,
      SagaSettings settings,
      DataSource projectionDataSource,
      DataSource queryDataSource,
      String readJournalPluginId,
      Duration askTimeout) {
    CaseQueries cases = new CaseQueries(queryDataSource);
    SagaContext context =
        new SagaContext(
            sharding,
            workflows,
            clock,
            settings,
            new FaultInjection(settings.haltAfter()),
            (tenant, selection, afterId, limit) -> {
              try {
                return cases.idsAfter(tenant, selection, afterId, limit);
              } catch (SQLException e) {
                throw new IllegalStateException("Cannot read the cases of a bulk operation", e);
              }
            },
            system.dispatchers().lookup(DispatcherSelector.blocking()));
    sharding.init(
        Entity.of(
            SubjectClaim.TYPE_KEY, entity -> SubjectClaim.create(entity.getEntityId(), context)));
    sharding.init(
        Entity.of(MergeSaga.TYPE_KEY, entity -> MergeSaga.create(entity.getEntityId(), context)));
    sharding.init(
        Entity.of(
            BulkOperation.TYPE_KEY, entity -> BulkOperation.create(entity.getEntityId(), context)));
    SagaStatusProjection.start(system, readJournalPluginId, projectionDataSource);
    return new Sagas(
        sharding,
        workflows,
        cases,
        new SagaStatus(queryDataSource, clock, settings.stuckAfter()),
        askTimeout,
        clock,
        settings.recoveryInterval(),
        context.blocking());
  }

  /**
   * Opens a case: through the subject's claim when its workflow allows one open case per subject,
   * straight to the case otherwise (and when the workflow is unknown, for the case to refuse).
   */
  public CompletionStage<CaseReply> open(OpenRequest request) {
    boolean unique =
        (PersonalData.isSealed(request.subject())
                || CaseDecider.subjectProblem(request.subject()).isEmpty())
            && workflows
                .latest(request.workflow())
                .map(Workflow::uniqueOpenPerSubject)
                .orElse(false);
    if (!unique) {
      return sharding
          .entityRefFor(CaseEntity.TYPE_KEY, request.id().entityId())
          .ask((ActorRef<CaseReply> replyTo) -> request.command(replyTo), askTimeout);
    }
    String claim =
        SubjectClaim.entityId(
            request.principal().tenant(),
            request.workflow(),
            PersonalData.subjectIdentity(request.subject()));
    return sharding
        .entityRefFor(SubjectClaim.TYPE_KEY, claim)
        .ask(replyTo -> new SubjectClaim.Open(request, replyTo), askTimeout);
  }

  /**
   * Starts (or, for the same id, looks up) a merge saga and answers its view once it finished;
   * fails with a timeout when it takes longer than the ask timeout (it goes on regardless).
   */
  public CompletionStage<MergeSaga.View> merge(String sagaId, MergeSaga.Request request) {
    return sharding
        .entityRefFor(MergeSaga.TYPE_KEY, sagaId)
        .ask(replyTo -> new MergeSaga.Start(request, replyTo), askTimeout);
  }

  public CompletionStage<Optional<MergeSaga.View>> findMerge(String sagaId) {
    return sharding
        .entityRefFor(MergeSaga.TYPE_KEY, sagaId)
        .ask(MergeSaga.Get::new, askTimeout)
        .thenApply(found -> Optional.ofNullable(found.view()));
  }

  /**
   * A merge saga's id: derived from the request's idempotency key, so that a retried request finds
   * the saga it started, or random without one.
   */
  public static String mergeSagaId(CaseId duplicate, String idempotencyKey) {
    if (idempotencyKey == null) {
      return UUID.randomUUID().toString();
    }
    return CanonicalJson.sha256(
            Map.of("tenant", duplicate.tenant(), "case", duplicate.id(), "key", idempotencyKey))
        .substring(0, 32);
  }

  /**
   * Starts a bulk operation on the tenant's cases that {@code request} selects (its id: the
   * operation's); answers it as it started, or as it is when one of that id exists.
   */
  public CompletionStage<BulkOperation.View> startBulk(
      String operationId, BulkOperation.Request request) {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return cases.countsByState(request.tenant(), request.selection()).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
              } catch (SQLException e) {
                throw new IllegalStateException("Cannot count the cases of a bulk operation", e);
              }
            },
            blocking)
        .thenCompose(
            total ->
                sharding
                    .entityRefFor(BulkOperation.TYPE_KEY, operationId)
                    .ask(
                        (ActorRef<BulkOperation.View> replyTo) ->
                            new BulkOperation.Start(request, total, replyTo),
                        askTimeout));
  }

  /** The bulk operation of that id, if there is one. */
  public CompletionStage<Optional<BulkOperation.View>> findBulk(String operationId) {
    return sharding
        .entityRefFor(BulkOperation.TYPE_KEY, operationId)
        .ask(BulkOperation.Get::new, askTimeout)
        .thenApply(found -> Optional.ofNullable(found.view()));
  }

  /** Asks the bulk operation to stop after the page in flight; answers it as it then is. */
  public CompletionStage<Optional<BulkOperation.View>> cancelBulk(String operationId) {
    return sharding
        .entityRefFor(BulkOperation.TYPE_KEY, operationId)
        .ask(BulkOperation.Cancel::new, askTimeout)
        .thenApply(found -> Optional.ofNullable(found.view()));
  }

  /** Every unfinished saga, the stuck ones marked (for operators). */
  public List<SagaStatus.Row> unfinished() {
    return status.unfinished();
  }

  /** Sagas by kind and status, every status named. */
  public Map<String, Map<String, Long>> countsByKindAndStatus() {
    return status.countsByKindAndStatus();
  }

  /**
   * Wakes every unfinished saga that has not moved for a recovery interval: a woken saga entity
   * recovers and takes its next step, so a saga whose node crashed mid-way goes on (run
   * periodically on one node). One that moved lately is at work and is left alone.
   */
  public void wakeUnfinished() {
    Instant quietSince = clock.instant().minus(recoveryInterval);
    for (SagaStatus.Row row : status.unfinished()) {
      if (row.updatedAt().isAfter(quietSince)) {
        continue;
      }
      String entityId = SagaStatus.entityIdOf(row.sagaId());
      if (row.kind().equals("merge")) {
        sharding.entityRefFor(MergeSaga.TYPE_KEY, entityId).tell(new MergeSaga.Resume());
      } else if (BulkOperation.KINDS.contains(row.kind())) {
        sharding.entityRefFor(BulkOperation.TYPE_KEY, entityId).tell(new BulkOperation.Resume());
      } else {
        sharding.entityRefFor(SubjectClaim.TYPE_KEY, entityId).tell(new SubjectClaim.Resume());
      }
      log.debug("Woke saga {} ({})", row.sagaId(), row.status());
    }
  }
}
