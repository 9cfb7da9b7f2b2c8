package io.caseflow.readside;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.CaseWorkload;
import io.caseflow.testing.RunningCaseflow;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holes in the journal's ordering (orderings taken by writes that never committed: cut off by a
 * kill, rolled back) no longer hold the read side back: a case opened after a restart, or after a
 * rolled-back write, reaches the lists although the read journal's gap wait is set to ten minutes
 * here, far beyond these tests' patience. A hole whose transaction is still in progress is still
 * waited for (SlowCommitIT shows the wait's upper bound and the repair after it).
 */
class OrderingHolesIT {

  /** 3,000 × the configured query-delay of 200 ms: ten minutes per hole. */
  private static final int TEN_MINUTES_OF_TRIES = 3_000;

  private static final String GAP_WAIT = "jdbc-read-journal.journal-sequence-retrieval.max-tries";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  /** The embedded default, killed with SIGKILL mid-load, then a rolled-back write on top. */
  @Test
  void embeddedKilledMidLoadListsACaseOpenedAfterTheRestart() throws Exception {
    try (ServiceProcess service =
        new ServiceProcess(dataDir, Map.of())
            .withJvmArg("-D" + GAP_WAIT + "=" + TEN_MINUTES_OF_TRIES)) {
      ApiClient api = service.start().awaitReady();
      CompletableFuture<CaseWorkload.Result> interrupted =
          CompletableFuture.supplyAsync(() -> run(new CaseWorkload(api), 48));
      awaitLoadUnderWay(api);
      service.kill();
      assertTrue(interrupted.get().failures() > 0, "the kill came too late to interrupt anything");
      String h2 = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("caseflow");
      long holes;
      try (Connection connection = DriverManager.getConnection(h2, "sa", "")) {
        long rolledBack = rollBackAJournalRow(connection, "\"event_journal\"", "\"");
        holes = holesThrough(connection, "\"event_journal\"", "\"", rolledBack);
      }
      assertTrue(holes > 0, "the journal has holes below every ordering written from now on");

      ApiClient restarted = service.start().awaitReady();
      long millis = millisUntilListed(restarted, "after-kill-h2");
      System.out.printf(
          "OrderingHolesIT embedded: listed %d ms after ready; %d holes below its event%n",
          millis, holes);
      printTrackerReport(service);
    }
  }

  /** PostgreSQL, the packaged service killed with SIGKILL mid-load, then a rolled-back ordering. */
  @Test
  void postgresKilledMidLoadListsACaseOpenedAfterTheRestart() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (ServiceProcess service =
        ServiceProcess.onPostgres(dataDir, database)
            .withJvmArg("-D" + GAP_WAIT + "=" + TEN_MINUTES_OF_TRIES)) {
      ApiClient api = service.start().awaitReady();
      CompletableFuture<CaseWorkload.Result> interrupted =
          CompletableFuture.supplyAsync(() -> run(new CaseWorkload(api), 48));
      awaitLoadUnderWay(api);
      service.kill();
      assertTrue(interrupted.get().failures() > 0, "the kill came too late to interrupt anything");
      long holes;
      try (Connection connection = database.connect()) {
        long rolledBack = takeAnOrderingAndRollBack(connection);
        holes = holesThrough(connection, "event_journal", "", rolledBack);
      }
      assertTrue(holes > 0, "the journal has holes below every ordering written from now on");

      ApiClient restarted = service.start().awaitReady();
      long millis = millisUntilListed(restarted, "after-kill-pg");
      System.out.printf(
          "OrderingHolesIT postgres: listed %d ms after ready; %d holes below its event%n",
          millis, holes);
      printTrackerReport(service);
    }
  }

  /**
   * A transaction that took an ordering and is still open may yet commit an event there: the read
   * side must not read past it. It usually has no transaction id yet (nextval assigns none), so
   * only its virtual id shows it is in progress. Once it ends, the hole is final.
   */
  @Test
  void postgresWaitsForAHoleWhoseTransactionIsInProgress() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node =
            RunningCaseflow.onPostgres(database, Map.of(GAP_WAIT, TEN_MINUTES_OF_TRIES));
        Connection holder = database.connect()) {
      ApiClient api = new ApiClient(node.baseUrl());
      millisUntilListed(api, "before-hole");

      holder.setAutoCommit(false);
      long hole = takeAnOrdering(holder);
      api.openCase("alice", "after-held-hole", "after-held-hole");
      api.openCase("alice", "later-still", "later-still");
      // 25 rounds of the tracker (query-delay 200 ms), each of which asks what is in progress.
      Instant until = Instant.now().plusSeconds(5);
      while (Instant.now().isBefore(until)) {
        assertFalse(
            isListed(api, "after-held-hole"),
            "read past ordering " + hole + " while the transaction that took it was open");
        Thread.sleep(200);
      }
      assertFalse(isListed(api, "later-still"));
      holder.commit();
      awaitListed(api, "after-held-hole");
      awaitListed(api, "later-still");
    }
  }

  /** A rolled-back transaction's ordering is final at once, far sooner than the gap wait. */
  @Test
  void postgresReadsPastARolledBackOrderingAtOnce() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow node =
            RunningCaseflow.onPostgres(database, Map.of(GAP_WAIT, TEN_MINUTES_OF_TRIES));
        Connection connection = database.connect()) {
      ApiClient api = new ApiClient(node.baseUrl());
      millisUntilListed(api, "before-rollback");
      takeAnOrderingAndRollBack(connection);
      rollBackAJournalRow(connection, "event_journal", "");
      long millis = millisUntilListed(api, "after-rollback");
      System.out.printf("OrderingHolesIT rolled back: listed %d ms after it was opened%n", millis);
      assertTrue(
          holesBelowFirstEventOf(connection, "event_journal", "", "after-rollback")
              >= 2 + holesBelowFirstEventOf(connection, "event_journal", "", "before-rollback"));
    }
  }

  /**
   * A journal sequence that hands out values in batches ({@code CACHE} above 1) lets a session use
   * an ordering long after a later one committed, so ended transactions prove nothing: the read
   * journal then waits every hole out, as before, even a rolled-back one.
   */
  @Test
  void postgresWaitsOutEveryHoleWhenTheSequenceCachesValues() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (RunningCaseflow migrated = RunningCaseflow.onPostgres(database)) {
      new ApiClient(migrated.baseUrl()).openCase("alice", "first", "first");
    }
    try (Connection owner = database.connect();
        Statement statement = owner.createStatement()) {
      statement.execute("ALTER SEQUENCE " + sequenceOf(owner) + " CACHE 10");
    }
    try (RunningCaseflow node =
            RunningCaseflow.onPostgres(database, Map.of(GAP_WAIT, TEN_MINUTES_OF_TRIES));
        Connection connection = database.connect()) {
      ApiClient api = new ApiClient(node.baseUrl());
      takeAnOrderingAndRollBack(connection);
      api.openCase("alice", "behind-cached-hole", "behind-cached-hole");
      Instant until = Instant.now().plusSeconds(5);
      while (Instant.now().isBefore(until)) {
        assertFalse(isListed(api, "behind-cached-hole"), "a hole was taken for final");
        Thread.sleep(200);
      }
    }
  }

  /** What the ordering tracker said at each start, for the reader of the test's output. */
  private static void printTrackerReport(ServiceProcess service) {
    service
        .output()
        .lines()
        .filter(line -> line.contains("OrderingTracker"))
        .forEach(line -> System.out.println("OrderingHolesIT   " + line));
  }

  private static CaseWorkload.Result run(CaseWorkload workload, int cases) {
    try {
      return workload.run(cases, 25, 8);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Until the lists show ten cases: the load is well under way. */
  private static void awaitLoadUnderWay(ApiClient api) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (api.get("/cases", "alice").json().get("items").size() < 10) {
      assertTrue(Instant.now().isBefore(deadline), "the load did not get going");
      Thread.sleep(50);
    }
  }

  /**
   * Opens a case (its subject is its id) and answers how long until {@code GET /cases} lists it.
   */
  private static long millisUntilListed(ApiClient api, String id) throws InterruptedException {
    long started = System.nanoTime();
    api.openCase("alice", id, id);
    awaitListed(api, id);
    return Duration.ofNanos(System.nanoTime() - started).toMillis();
  }

  private static void awaitListed(ApiClient api, String id) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (!isListed(api, id)) {
      assertTrue(
          Instant.now().isBefore(deadline),
          id + " was not listed within " + PATIENCE + " (the gap wait is ten minutes)");
      Thread.sleep(50);
    }
  }

  private static boolean isListed(ApiClient api, String subject) {
    return api.get("/cases?subject=" + subject, "alice").json().get("items").size() == 1;
  }

  private static long takeAnOrdering(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet value =
            statement.executeQuery("SELECT nextval('" + sequenceOf(connection) + "')")) {
      value.next();
      return value.getLong(1);
    }
  }

  private static long takeAnOrderingAndRollBack(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    long taken = takeAnOrdering(connection);
    connection.rollback();
    connection.setAutoCommit(true);
    return taken;
  }

  private static String sequenceOf(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet name =
            statement.executeQuery("SELECT pg_get_serial_sequence('event_journal', 'ordering')")) {
      name.next();
      return name.getString(1);
    }
  }

  /** An event row written and rolled back: its ordering, taken and never committed. */
  private static long rollBackAJournalRow(Connection connection, String journal, String quote)
      throws SQLException {
    connection.setAutoCommit(false);
    String columns =
        String.join(
            ", ",
            java.util.stream.Stream.of(
                    "persistence_id",
                    "sequence_number",
                    "writer",
                    "write_timestamp",
                    "adapter_manifest",
                    "event_payload",
                    "event_ser_id",
                    "event_ser_manifest")
                .map(column -> quote + column + quote)
                .toList());
    long taken;
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO " + journal + " (" + columns + ") VALUES (?, 1, 'test', 0, '', ?, 1, '')",
            new String[] {"ordering"})) {
      insert.setString(1, "Test|rolled-back");
      insert.setBytes(2, new byte[] {1});
      insert.executeUpdate();
      try (ResultSet key = insert.getGeneratedKeys()) {
        key.next();
        taken = key.getLong(1);
      }
    }
    connection.rollback();
    connection.setAutoCommit(true);
    return taken;
  }

  /** Orderings at or below {@code ordering} that hold no event. */
  private static long holesThrough(
      Connection connection, String journal, String quote, long ordering) throws SQLException {
    try (PreparedStatement count =
        connection.prepareStatement(
            "SELECT COUNT(*) FROM " + journal + " WHERE " + quote + "ordering" + quote + " <= ?")) {
      count.setLong(1, ordering);
      try (ResultSet events = count.executeQuery()) {
        events.next();
        return ordering - events.getLong(1);
      }
    }
  }

  /** Orderings below the case's first event that hold no event. */
  private static long holesBelowFirstEventOf(
      Connection connection, String journal, String quote, String id) throws SQLException {
    String ordering = quote + "ordering" + quote;
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT j."
                + ordering
                + " - 1 - (SELECT COUNT(*) FROM "
                + journal
                + " k WHERE k."
                + ordering
                + " < j."
                + ordering
                + ") FROM "
                + journal
                + " j WHERE j."
                + quote
                + "persistence_id"
                + quote
                + " = ? AND j."
                + quote
                + "sequence_number"
                + quote
                + " = 1")) {
      query.setString(1, "Case|acme:" + id);
      try (ResultSet holes = query.executeQuery()) {
        assertTrue(holes.next(), "no first event of " + id);
        return holes.getLong(1);
      }
    }
  }
}
