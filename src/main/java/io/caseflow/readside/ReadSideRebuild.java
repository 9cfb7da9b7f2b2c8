package io.caseflow.readside;

import io.caseflow.cases.CaseTags;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the read side from the journal while the service keeps serving: the projections are
 * paused, the derived tables emptied, the offsets cleared, and the projections resumed to replay
 * every event. Commands keep working throughout; queries show a partial picture until the
 * projections have caught up (watch the lag). {@code audit_log} is append-only and is not emptied:
 * replayed events find their rows present and add nothing.
 */
public final class ReadSideRebuild {

  public enum Phase {
    IDLE,
    RUNNING,
    REPLAYING,
    FAILED
  }

  public record Status(Phase phase, Instant startedAt, String error) {}

  private static final Logger log = LoggerFactory.getLogger(ReadSideRebuild.class);
  private static final List<String> DERIVED_TABLES =
      List.of("cases", "case_transitions", "state_counts", "due_timers");

  private final ActorSystem<?> system;
  private final DataSource dataSource;
  private final List<ProjectionId> projections;
  private final Clock clock;
  private final AtomicReference<Status> status =
      new AtomicReference<>(new Status(Phase.IDLE, null, null));

  public ReadSideRebuild(ActorSystem<?> system, DataSource dataSource, CaseTags tags, Clock clock) {
    this.system = system;
    this.dataSource = dataSource;
    this.projections = CaseProjection.ids(tags);
    this.clock = clock;
  }

  public Status status() {
    return status.get();
  }

  /** Starts a rebuild unless one is running; answers the status either way. */
  public Status start() {
    Status running = new Status(Phase.RUNNING, clock.instant(), null);
    Status current = status.get();
    if (current.phase() == Phase.RUNNING || !status.compareAndSet(current, running)) {
      return status.get();
    }
    ProjectionManagement management = ProjectionManagement.get(system);
    forAll(management::pause)
        .thenRunAsync(
            this::emptyDerivedTables,
            system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()))
        .thenCompose(emptied -> forAll(management::clearOffset))
        .thenCompose(cleared -> forAll(management::resume))
        .whenComplete(
            (done, error) -> {
              if (error == null) {
                log.info("Read-side rebuild: projections are replaying the journal");
                status.set(new Status(Phase.REPLAYING, running.startedAt(), null));
              } else {
                log.error("Read-side rebuild failed", error);
                status.set(new Status(Phase.FAILED, running.startedAt(), error.toString()));
                forAll(management::resume);
              }
            });
    return running;
  }

  private CompletionStage<Void> forAll(Function<ProjectionId, CompletionStage<Done>> operation) {
    return CompletableFuture.allOf(
        projections.stream()
            .map(operation)
            .map(CompletionStage::toCompletableFuture)
            .toArray(CompletableFuture[]::new));
  }

  private void emptyDerivedTables() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      for (String table : DERIVED_TABLES) {
        Sql.update(connection, "DELETE FROM " + table);
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot empty the derived read-side tables", e);
    }
  }
}
