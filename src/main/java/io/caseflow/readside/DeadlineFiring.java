package io.caseflow.readside;

import io.caseflow.cases.CaseCommand.FireDeadline;
import io.caseflow.cases.CaseEntity;
import io.caseflow.cases.CaseId;
import io.caseflow.cases.CaseReply;
import io.caseflow.cases.CaseReply.Rejected;
import io.caseflow.cases.ErrorCode;
import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the deadlines that came due (one node runs it, a cluster job): each is sent to its case as
 * {@link FireDeadline}, whose idempotency key the case derives from the deadline and when it began,
 * so a deadline fired twice (a crash between firing and marking it, a failover, two nodes racing)
 * moves the case once. A deadline the case answered, with its action or with a refusal (it moved on
 * meanwhile), is marked settled; one it did not answer is tried again on the next run.
 */
public final class DeadlineFiring {

  private static final Logger log = LoggerFactory.getLogger(DeadlineFiring.class);

  /** A deadline come due, as {@code due_timers} holds it. */
  record Due(String tenant, String caseId, String deadline, long startedSeq, Instant dueAt) {}

  private final DataSource dataSource;
  private final ClusterSharding sharding;
  private final Clock clock;
  private final Duration askTimeout;
  private final int batchSize;

  public DeadlineFiring(
      DataSource dataSource,
      ClusterSharding sharding,
      Clock clock,
      Duration askTimeout,
      int batchSize) {
    this.dataSource = dataSource;
    this.sharding = sharding;
    this.clock = clock;
    this.askTimeout = askTimeout;
    this.batchSize = batchSize;
  }

  /**
   * Fires every deadline due now, a batch at a time (the batch's cases asked at once), on the
   * calling thread; answers how many were settled.
   */
  public int runOnce() {
    int settled = 0;
    List<Due> due;
    do {
      due = due();
      List<CompletableFuture<Boolean>> fired = due.stream().map(this::fire).toList();
      CompletableFuture.allOf(fired.toArray(CompletableFuture[]::new)).join();
      int answered = 0;
      for (int i = 0; i < due.size(); i++) {
        if (fired.get(i).join()) {
          settle(due.get(i));
          answered++;
        }
      }
      settled += answered;
      if (answered < due.size()) {
        break; // some cases did not answer, or not yet: the next run tries them again
      }
    } while (due.size() == batchSize);
    return settled;
  }

  private List<Due> due() {
    try (Connection connection = dataSource.getConnection()) {
      return Sql.query(
          connection,
          "SELECT tenant, case_id, deadline, started_seq, due_at FROM due_timers"
              + " WHERE settled = FALSE AND due_at <= ? ORDER BY due_at LIMIT ?",
          row ->
              new Due(
                  row.getString(1),
                  row.getString(2),
                  row.getString(3),
                  row.getLong(4),
                  Sql.instant(row, 5)),
          clock.instant(),
          batchSize);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the due deadlines", e);
    }
  }

  /**
   * Sends the deadline to its case; true when the case answered for good (its action, or a refusal
   * because it moved on), false when it did not answer or finds the deadline not due yet.
   */
  private CompletableFuture<Boolean> fire(Due due) {
    return sharding
        .entityRefFor(CaseEntity.TYPE_KEY, new CaseId(due.tenant(), due.caseId()).entityId())
        .<CaseReply>ask(
            replyTo ->
                new FireDeadline(
                    FireDeadline.system(due.tenant()),
                    due.deadline(),
                    due.startedSeq(),
                    due.dueAt(),
                    null,
                    replyTo),
            askTimeout)
        .toCompletableFuture()
        .orTimeout(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS)
        .handle(
            (reply, failure) -> {
              boolean later =
                  failure != null
                      || reply instanceof Rejected rejected
                          && (rejected.code() == ErrorCode.UNAVAILABLE
                              || rejected.code() == ErrorCode.DEADLINE_PENDING);
              if (later) {
                log.info("Deadline {} of case {} not fired yet", due.deadline(), due.caseId());
              }
              return !later;
            });
  }

  private void settle(Due due) {
    try (Connection connection = dataSource.getConnection()) {
      Sql.update(
          connection,
          "UPDATE due_timers SET settled = TRUE WHERE tenant = ? AND case_id = ?"
              + " AND deadline = ? AND started_seq = ? AND due_at = ?",
          due.tenant(),
          due.caseId(),
          due.deadline(),
          due.startedSeq(),
          due.dueAt());
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot mark the deadline settled", e);
    }
  }
}
