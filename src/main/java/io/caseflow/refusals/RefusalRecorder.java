package io.caseflow.refusals;

import io.caseflow.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes refusals to the {@code refusals} table off the request path. A request only offers its
 * refusal to a bounded queue, which never blocks; one writer thread takes what has gathered and
 * writes it in one transaction, refusals alike in all but their time folded into one row with a
 * count. A flood therefore costs a few rows per batch; past the queue's size refusals are counted
 * and reported in the log, never kept, so memory stays bounded.
 *
 * <p>While the database is down the writer retries its batch and the queue fills; accepted requests
 * never wait for either. Refusals are not events: they are no part of any case's history or hash
 * chain.
 */
public final class RefusalRecorder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RefusalRecorder.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(10);
  private static final Duration STOP_WITHIN = Duration.ofSeconds(5);
  private static final String INSERT =
      "INSERT INTO refusals (at, tenant, actor, actor_verified, source_address, method, route,"
          + " case_id, action, code, repeats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final DataSource dataSource;
  private final Clock clock;
  private final int batchSize;
  private final BlockingQueue<Refusal> queue;
  private final AtomicLong notRecorded = new AtomicLong();
  private final Thread writer;
  private volatile boolean running = true;
  private long reportedNotRecorded;
  private Instant lastReport = Instant.EPOCH;

  private RefusalRecorder(DataSource dataSource, RefusalSettings settings, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.batchSize = settings.batchSize();
    this.queue = new ArrayBlockingQueue<>(settings.queueSize());
    this.writer = new Thread(this::writeWhileRunning, "caseflow-refusal-writer");
    writer.setDaemon(true);
  }

  public static RefusalRecorder start(
      DataSource dataSource, RefusalSettings settings, Clock clock) {
    RefusalRecorder recorder = new RefusalRecorder(dataSource, settings, clock);
    recorder.writer.start();
    return recorder;
  }

  /** Keeps a refusal for the writer, or counts it when the queue is full; never waits. */
  public void record(Refusal refusal) {
    if (!queue.offer(refusal)) {
      notRecorded.incrementAndGet();
    }
  }

  /** Refusals this node counted but did not keep since it started, the queue being full. */
  public long notRecorded() {
    return notRecorded.get();
  }

  /** Writes what is queued (within a few seconds) and stops the writer. */
  @Override
  public void close() {
    running = false;
    try {
      writer.join(STOP_WITHIN.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeWhileRunning() {
    List<Refusal> batch = new ArrayList<>(batchSize);
    while (running || !queue.isEmpty()) {
      try {
        Refusal first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, batchSize - 1);
          writeUntilStored(batch);
          batch.clear();
        }
        reportNotRecorded();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("The refusal writer failed; {} refusals are lost", batch.size(), e);
        batch.clear();
      }
    }
  }

  private void writeUntilStored(List<Refusal> batch) throws InterruptedException {
    while (true) {
      try {
        write(batch);
        return;
      } catch (SQLException e) {
        if (!running) {
          log.warn("{} refusals are lost at shutdown: {}", batch.size(), e.toString());
          return;
        }
        log.warn("Refusals could not be written, retrying: {}", e.toString());
        Thread.sleep(RETRY_AFTER.toMillis());
      }
    }
  }

  private void write(List<Refusal> batch) throws SQLException {
    Map<Refusal, Refusal> firsts = new LinkedHashMap<>();
    Map<Refusal, Integer> repeats = new LinkedHashMap<>();
    for (Refusal refusal : batch) {
      firsts.putIfAbsent(refusal.kind(), refusal);
      repeats.merge(refusal.kind(), 1, Integer::sum);
    }
    List<Object[]> rows = new ArrayList<>(firsts.size());
    firsts.forEach(
        (kind, refusal) ->
            rows.add(
                new Object[] {
                  refusal.at(),
                  refusal.tenant(),
                  refusal.actor(),
                  refusal.actorVerified(),
                  refusal.sourceAddress(),
                  refusal.method(),
                  refusal.route(),
                  refusal.caseId(),
                  refusal.action(),
                  refusal.code(),
                  repeats.get(kind)
                }));
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Sql.batch(connection, INSERT, rows);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private void reportNotRecorded() {
    long total = notRecorded.get();
    Instant now = clock.instant();
    if (total > reportedNotRecorded && now.isAfter(lastReport.plus(REPORT_EVERY))) {
      log.warn(
          "{} refusals were counted but not recorded since the last report ({} since start): more"
              + " came than caseflow.refusals.queue-size holds while the writer was busy",
          total - reportedNotRecorded,
          total);
      reportedNotRecorded = total;
      lastReport = now;
    }
  }
}
