package io.caseflow.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * How every projection of Caseflow runs (the read side, the webhook outbox, the saga status): one
 * JDBC projection per tag, applying groups of events in the transaction that stores its offset,
 * spread over the cluster as a sharded daemon process.
 */
public final class ProjectionDaemons {

  private ProjectionDaemons() {}

  /**
   * Groups of up to {@code groupSize} events (or what arrived within {@code groupWindow}) of one
   * tag. A failing group is retried twice, then the projection restarts with backoff from its last
   * stored offset.
   */
  public static <E> GroupedProjection<Offset, EventEnvelope<E>> grouped(
      ActorSystem<?> system,
      String readJournalPluginId,
      ProjectionId id,
      DataSource dataSource,
      Supplier<JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession>> handler,
      int groupSize,
      Duration groupWindow) {
    return JdbcProjection.groupedWithin(
            id,
            EventSourcedProvider.<E>eventsByTag(system, readJournalPluginId, id.key()),
            () -> new PooledJdbcSession(dataSource),
            handler::get,
            system)
        .withGroup(groupSize, groupWindow)
        .withRecoveryStrategy(HandlerRecoveryStrategy.retryAndFail(2, Duration.ofMillis(500)))
        .withRestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
  }

  /** Runs {@code instances} projections, each on one node of the cluster. */
  public static void start(
      ActorSystem<?> system, String name, int instances, IntFunction<Projection<?>> projection) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            name,
            instances,
            instance -> ProjectionBehavior.create(projection.apply(instance)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
    DaemonKeepAlive.stopBeforeHandOff(system, name);
  }
}
