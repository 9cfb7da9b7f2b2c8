package io.caseflow.audit;

import io.caseflow.audit.AuditVerifier.Report;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole journal verified against the checkpoints, in the background, one run at a time per
 * node, its progress readable while it runs ({@code POST} and {@code GET /admin/audit/verify}). The
 * node that ran it keeps its last report.
 */
public final class JournalVerification {

  public enum Phase {
    IDLE,
    RUNNING,
    COMPLETE,
    FAILED
  }

  /** Where the latest run stands: cases checked of the total, and its report once complete. */
  public record Status(
      Phase phase,
      Instant startedAt,
      Instant finishedAt,
      int checked,
      int total,
      Report report,
      String error) {

    static Status idle() {
      return new Status(Phase.IDLE, null, null, 0, 0, null, null);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(JournalVerification.class);

  private final DataSource dataSource;
  private final AuditVerifier verifier;
  private final List<PublicKey> keys;
  private final Executor blocking;
  private final Clock clock;
  private final AtomicReference<Status> status = new AtomicReference<>(Status.idle());

  public JournalVerification(
      DataSource dataSource,
      AuditVerifier verifier,
      List<PublicKey> keys,
      Executor blocking,
      Clock clock) {
    this.dataSource = dataSource;
    this.verifier = verifier;
    this.keys = List.copyOf(keys);
    this.blocking = blocking;
    this.clock = clock;
  }

  public Status status() {
    return status.get();
  }

  /** Starts a run unless one is running; answers the status either way. */
  public Status start() {
    Status current = status.get();
    Status running = new Status(Phase.RUNNING, clock.instant(), null, 0, 0, null, null);
    if (current.phase() == Phase.RUNNING || !status.compareAndSet(current, running)) {
      return status.get();
    }
    CompletableFuture.supplyAsync(this::verify, blocking)
        .whenComplete(
            (report, error) -> {
              Status last = status.get();
              if (error == null) {
                log.info(
                    "Journal verification: {} cases, {} broken, {} checkpoint problems",
                    report.cases(),
                    report.broken().size(),
                    report.problems().size());
                status.set(
                    new Status(
                        Phase.COMPLETE,
                        last.startedAt(),
                        clock.instant(),
                        last.checked(),
                        last.total(),
                        report,
                        null));
              } else {
                log.error("Journal verification failed", error);
                status.set(
                    new Status(
                        Phase.FAILED,
                        last.startedAt(),
                        clock.instant(),
                        last.checked(),
                        last.total(),
                        null,
                        error.toString()));
              }
            });
    return running;
  }

  private Report verify() {
    try (Connection connection = dataSource.getConnection()) {
      return verifier.verifyAll(
          connection,
          AuditVerifier.stored(connection),
          keys,
          (checked, total) ->
              status.updateAndGet(
                  now ->
                      new Status(now.phase(), now.startedAt(), null, checked, total, null, null)));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the journal", e);
    }
  }
}
