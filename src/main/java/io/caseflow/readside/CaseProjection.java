package io.caseflow.readside;

import io.caseflow.cases.CaseEvent;
import io.caseflow.cases.CaseTags;
import io.caseflow.jdbc.ProjectionDaemons;
import io.caseflow.jdbc.Sql;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;

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

  /**
   * The offset the projection of {@code tag} has stored with its last applied events: the journal
   * ordering it has read through (0 before its first).
   */
  static long storedOffset(Connection connection, String tag) throws SQLException {
    return Sql.query(
            connection,
            "SELECT \"current_offset\" FROM \"pekko_projection_offset_store\""
                + " WHERE \"projection_name\" = ? AND \"projection_key\" = ?",
            row -> Long.parseLong(row.getString(1)),
            NAME,
            tag)
        .stream()
        .findFirst()
        .orElse(0L);
  }

  public static List<ProjectionId> ids(CaseTags tags) {
    return java.util.stream.IntStream.range(0, tags.slices()).mapToObj(CaseProjection::id).toList();
  }

  public static void init(
      ActorSystem<?> system,
      String readJournalPluginId,
      CaseTags tags,
      DataSource dataSource,
      CaseReadModel readModel,
      ReadSideSettings settings,
      DeadLetters deadLetters,
      MeterRegistry metrics,
      Tracer tracer) {
    ProjectionDaemons.start(
        system,
        "case-projections",
        tags.slices(),
        slice -> {
          PoisonEvents poison = new PoisonEvents(settings, deadLetters);
          Counter projected =
              Counter.builder("caseflow.projection.events")
                  .description(
                      "Events a read-side projection applied (a group whose commit failed is"
                          + " applied, and counted, again)")
                  .tags("projection", NAME, "key", CaseTags.tag(slice))
                  .register(metrics);
          return ProjectionDaemons.<CaseEvent>grouped(
              system,
              readJournalPluginId,
              id(slice),
              dataSource,
              () ->
                  new CaseProjectionHandler(
                      slice, readModel, poison, deadLetters, projected, tracer),
              settings.groupSize(),
              settings.groupWindow());
        });
  }
}
