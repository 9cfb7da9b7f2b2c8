package io.caseflow.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import scala.jdk.javaapi.FutureConverters;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.SimpleJdbcAction;

/**
 * Which PostgreSQL transactions are in progress, by their virtual transaction ids: what decides
 * when a hole in the journal's ordering is final ({@link OrderingGaps}).
 *
 * <p>Why that is exact. The ordering comes from a sequence that hands out one value at a time
 * ({@code CACHE 1}, BIGSERIAL's default), so values are taken in the order of the calls. A hole
 * {@code h} seen below a visible ordering {@code k} was therefore taken before {@code k} was, and
 * {@code k} committed before the page that showed it was read: the transaction that took {@code h}
 * had begun by then. Read the transactions in progress after that page; once every one of them has
 * ended, {@code h}'s writer has ended too, committed (its row is visible) or not (it never will
 * be). Transactions that began later cannot write {@code h}. A transaction's lock on its own
 * virtual id is released only after its commit is visible to others, so "ended" is never early.
 *
 * <p>Why not the transaction ids of {@code pg_current_snapshot()}: a transaction gets one only when
 * it first writes a row, and a writer holds its ordering before that: {@code nextval} runs while
 * the row is formed, before {@code BEFORE INSERT} triggers and the insert itself (and nextval
 * itself assigns an id only on the sequence's every 32nd call, when it writes ahead in the WAL). A
 * writer in that window is in no snapshot's list, so a snapshot taken then would call its hole
 * final and a live projection would skip its event. Every transaction holds its virtual id from its
 * first statement. For the same reason {@code pg_xact_status} of remembered ids would be exact only
 * for writers that had an id when the hole was seen.
 *
 * <p>What it counts: the sessions of this database (transactions of other databases on the server
 * cannot write this journal), except the asking one and background processes without a user
 * (autovacuum), which never take the sequence. A long transaction of some other client of this
 * database delays the holes seen meanwhile until it ends or {@code max-tries × query-delay} passes,
 * the plugin's own bound, so it is never worse than before. Prepared (two-phase) transactions are
 * not counted: Pekko does not use them. If the sequence caches values ({@code CACHE} above 1), a
 * session may take a value long after a later one committed and the reasoning fails: then {@link
 * #atStart} says so and the tracker waits every hole out, as the plugin does.
 *
 * <p>It needs no privilege beyond a login: {@code pg_locks} and the columns used here of {@code
 * pg_stat_activity} are readable by every role, the service's least-privileged one included.
 */
final class RunningTransactions {

  /**
   * The journal's highest ordering when {@link #running} was read after it, or why the rule cannot
   * be used on this journal.
   */
  record AtStart(long highest, Set<String> running, Optional<String> unusable) {}

  private static final String IN_PROGRESS =
      "SELECT virtualxid FROM pg_locks WHERE locktype = 'virtualxid' AND mode = 'ExclusiveLock'"
          + " AND granted AND pid <> pg_backend_pid() AND pid IN (SELECT pid FROM pg_stat_activity"
          + " WHERE usesysid IS NOT NULL"
          + " AND datid = (SELECT oid FROM pg_database WHERE datname = current_database()))";

  private static final String SEQUENCE_CACHE =
      "SELECT seqcache FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence(?, ?)::regclass";

  private final JdbcBackend.JdbcDatabaseDef database;
  private final String journal;
  private final String ordering;

  /**
   * On the read journal's own database; {@code journal} is the journal table's name as SQL takes it
   * (schema-qualified if need be), {@code ordering} its ordering column.
   */
  RunningTransactions(JdbcBackend.JdbcDatabaseDef database, String journal, String ordering) {
    this.database = database;
    this.journal = journal;
    this.ordering = ordering;
  }

  /** The journal's highest ordering, then the transactions in progress, in that order. */
  CompletionStage<AtStart> atStart() {
    return run(
        connection -> {
          long highest;
          try (PreparedStatement max =
                  connection.prepareStatement(
                      "SELECT COALESCE(MAX(" + ordering + "), 0) FROM " + journal);
              ResultSet row = max.executeQuery()) {
            row.next();
            highest = row.getLong(1);
          }
          Optional<String> unusable = sequenceCacheProblem(connection);
          return new AtStart(highest, inProgress(connection), unusable);
        });
  }

  /** The virtual ids of the transactions in progress now. */
  CompletionStage<Set<String>> inProgress() {
    return run(RunningTransactions::inProgress);
  }

  /** How many events the journal holds at or below {@code through}, to report its holes. */
  CompletionStage<Long> eventsThrough(long through) {
    return run(
        connection -> {
          try (PreparedStatement count =
              connection.prepareStatement(
                  "SELECT COUNT(*) FROM " + journal + " WHERE " + ordering + " <= ?")) {
            count.setLong(1, through);
            try (ResultSet row = count.executeQuery()) {
              row.next();
              return row.getLong(1);
            }
          }
        });
  }

  private Optional<String> sequenceCacheProblem(Connection connection) throws SQLException {
    try (PreparedStatement cache = connection.prepareStatement(SEQUENCE_CACHE)) {
      cache.setString(1, journal);
      cache.setString(2, ordering);
      try (ResultSet row = cache.executeQuery()) {
        if (!row.next()) {
          return Optional.of("no sequence owned by " + journal + "." + ordering + " was found");
        }
        long values = row.getLong(1);
        return values == 1
            ? Optional.empty()
            : Optional.of("its sequence hands out " + values + " values at a time (CACHE)");
      }
    }
  }

  private static Set<String> inProgress(Connection connection) throws SQLException {
    Set<String> running = new HashSet<>();
    try (PreparedStatement query = connection.prepareStatement(IN_PROGRESS);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        running.add(rows.getString(1));
      }
    }
    return running;
  }

  private interface Work<T> {
    T on(Connection connection) throws SQLException;
  }

  /** Slick's {@code run}, which Java sees only through raw types (as BatchedJournalDao does). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private <T> CompletionStage<T> run(Work<T> work) {
    SimpleJdbcAction<T> action =
        SimpleJdbcAction.apply(
            context -> {
              try {
                return work.on(context.connection());
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    return FutureConverters.asJava((scala.concurrent.Future<T>) database.run((DBIOAction) action));
  }
}
