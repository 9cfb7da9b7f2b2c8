package io.caseflow.readside;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseTags;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The read-side projections: one per slice tag, run as a sharded daemon process so a cluster
 * spreads them over its nodes. Each applies groups of events exactly once, committing the
 * query-table rows together with its offset.
 */
public final class CaseProjection {

  public static final String NAME = "cases";

  private CaseProjection() {}

  public static ProjectionId id(int slice) {
    return ProjectionId.of(NAME, CaseTags.tag(slice));
  }

  public static List<ProjectionId> ids(CaseTags tags) {
    return java.util.stream.IntStream.range(0, tags.slices()).mapToObj(CaseProjection::id).toList();
  }

  public static void init(
      ActorSystem<?> system,
      String readJournalPluginId,
      CaseTags tags,
      DataSource dataSource,
      ReadSideSettings settings,
      DeadLetters deadLetters) {
    CaseReadModel readModel = new CaseReadModel();
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "case-projections",
            tags.slices(),
            slice ->
                ProjectionBehavior.create(
                    projection(
                        system,
                        readJournalPluginId,
                        slice,
                        dataSource,
                        settings,
                        readModel,
                        new PoisonEvents(settings, deadLetters),
                        deadLetters)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<CaseEvent>> projection(
      ActorSystem<?> system,
      String readJournalPluginId,
      int slice,
      DataSource dataSource,
      ReadSideSettings settings,
      CaseReadModel readModel,
      PoisonEvents poison,
      DeadLetters deadLetters) {
    SourceProvider<Offset, EventEnvelope<CaseEvent>> source =
        EventSourcedProvider.eventsByTag(system, readJournalPluginId, CaseTags.tag(slice));
    return JdbcProjection.groupedWithin(
            id(slice),
            source,
            () -> new PooledJdbcSession(dataSource),
            () -> new CaseProjectionHandler(slice, readModel, poison, deadLetters),
            system)
        .withGroup(settings.groupSize(), settings.groupWindow())
        .withRecoveryStrategy(HandlerRecoveryStrategy.retryAndFail(2, Duration.ofMillis(500)))
        .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
  }
}
