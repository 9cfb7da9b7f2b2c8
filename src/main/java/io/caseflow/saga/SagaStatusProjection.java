package io.caseflow.saga;

import io.caseflow.cases.PersonalData;
import io.caseflow.jdbc.PooledJdbcSession;
import io.caseflow.jdbc.ProjectionDaemons;
import io.caseflow.jdbc.Sql;
import io.caseflow.saga.MergeSaga.Status;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps the {@code saga_status} table: one row per saga, from every saga's events (tag {@value
 * #TAG}), written in the transaction that stores the projection's offset (name {@value #NAME}).
 */
final class SagaStatusProjection {

  static final String TAG = "saga";
  static final String NAME = "sagas";

  private SagaStatusProjection() {}

  static void start(ActorSystem<?> system, String readJournalPluginId, DataSource dataSource) {
    ProjectionDaemons.start(
        system,
        "saga-status",
        1,
        instance ->
            ProjectionDaemons.<Object>grouped(
                system,
                readJournalPluginId,
                ProjectionId.of(NAME, TAG),
                dataSource,
                Handler::new,
                100,
                Duration.ofMillis(100)));
  }

  private static final int SUMMARY_LENGTH = 1000;

  /** What an event changes in its saga's row. */
  private record Change(String kind, String tenant, String status, String summary, boolean starts) {

    Change {
      if (summary != null && summary.length() > SUMMARY_LENGTH) {
        summary = summary.substring(0, SUMMARY_LENGTH - 1) + "…";
      }
    }
  }

  private static Optional<Change> changeOf(Object event) {
    if (event instanceof MergeSaga.MergeRequested requested) {
      MergeSaga.Request request = requested.request();
      return Optional.of(
          new Change(
              "merge",
              request.tenant(),
              Status.RUNNING.id(),
              "case " + request.duplicate() + " into case " + request.primary(),
              true));
    }
    if (event instanceof MergeSaga.StepRefused || event instanceof MergeSaga.CompensationDone) {
      return Optional.of(new Change(null, null, Status.COMPENSATING.id(), null, false));
    }
    if (event instanceof MergeSaga.Finished finished) {
      return Optional.of(new Change(null, null, finished.status().id(), null, false));
    }
    if (event instanceof MergeSaga.StepDone) {
      return Optional.of(new Change(null, null, null, null, false));
    }
    if (event instanceof SubjectClaim.Claimed claimed) {
      SubjectClaim.OpenRequest request = claimed.request();
      return Optional.of(
          new Change(
              "subject_claim",
              request.principal().tenant(),
              Status.RUNNING.id(),
              "case "
                  + request.caseId()
                  + (PersonalData.isSealed(request.subject())
                      ? " for a personal subject"
                      : " for subject '" + request.subject() + "'"),
              true));
    }
    if (event instanceof BulkOperation.Started started) {
      BulkOperation.Request request = started.request();
      return Optional.of(
          new Change(
              request.kind().id(),
              request.tenant(),
              BulkOperation.Status.RUNNING.id(),
              request.kind() == BulkOperation.Kind.MIGRATION
                  ? request.selection().workflow()
                      + " v"
                      + request.selection().version()
                      + " to v"
                      + request.toVersion()
                      + ": "
                      + started.total()
                      + " cases"
                  : started.total() + " cases to " + request.assignee(),
              true));
    }
    if (event instanceof BulkOperation.PageTaken
        || event instanceof BulkOperation.Progressed
        || event instanceof BulkOperation.CancelRequested) {
      return Optional.of(new Change(null, null, null, null, false));
    }
    if (event instanceof BulkOperation.Finished finished) {
      return Optional.of(new Change(null, null, finished.status().id(), null, false));
    }
    if (event instanceof SubjectClaim.Confirmed) {
      return Optional.of(new Change(null, null, Status.COMPLETED.id(), null, false));
    }
    if (event instanceof SubjectClaim.Released released) {
      // a claim released because its case closed had completed; one whose case refused to open
      // was compensated
      return Optional.of(
          new Change(
              null,
              null,
              "case_closed".equals(released.reason()) ? null : Status.COMPENSATED.id(),
              null,
              false));
    }
    return Optional.empty();
  }

  private static final class Handler
      extends JdbcHandler<List<EventEnvelope<Object>>, PooledJdbcSession> {

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<Object>> envelopes)
        throws Exception {
      session.withConnection(
          connection -> {
            for (EventEnvelope<Object> envelope : envelopes) {
              Optional<Change> change = changeOf(envelope.event());
              if (change.isPresent()) {
                apply(connection, envelope, change.get());
              }
            }
            return null;
          });
    }

    private static void apply(Connection connection, EventEnvelope<Object> envelope, Change change)
        throws SQLException {
      String sagaId = envelope.persistenceId();
      Instant at = Instant.ofEpochMilli(envelope.timestamp());
      if (change.starts()) {
        Sql.update(
            connection,
            "INSERT INTO saga_status (saga_id, kind, tenant, status, summary, started_at,"
                + " updated_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM"
                + " saga_status WHERE saga_id = ?)",
            sagaId,
            change.kind(),
            change.tenant(),
            change.status(),
            change.summary(),
            at,
            at,
            sagaId);
        Sql.update(
            connection,
            "UPDATE saga_status SET status = ?, summary = ?, started_at = ?, updated_at = ?"
                + " WHERE saga_id = ?",
            change.status(),
            change.summary(),
            at,
            at,
            sagaId);
      } else if (change.status() != null) {
        Sql.update(
            connection,
            "UPDATE saga_status SET status = ?, updated_at = ? WHERE saga_id = ?",
            change.status(),
            at,
            sagaId);
      } else {
        Sql.update(
            connection, "UPDATE saga_status SET updated_at = ? WHERE saga_id = ?", at, sagaId);
      }
    }
  }
}
