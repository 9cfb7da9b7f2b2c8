package io.caseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ClusterLoad;
import io.caseflow.testing.Jcmd;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every commit to the journal held for seconds (a statement trigger with {@code pg_sleep}), under
 * more clients than the journal has connections: the node sheds load with {@code 503} and {@code
 * Retry-After} (the load fails on any other refusal and on a 503 without it) instead of queueing
 * without bound; its heap stays small; once commits are fast again it takes commands on its own,
 * with nothing acknowledged lost and nothing written twice.
 */
class SlowDatabaseIT {

  private static final int CLIENTS = 48;

  private static final Duration SLOW_FOR = Duration.ofSeconds(20);

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  @Test
  void slowCommitsShedLoadAndTheNodeRecoversByItself() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    Path dataDir = Files.createTempDirectory("caseflow-slow-");
    try (ServiceProcess node =
        ServiceProcess.onPostgres(dataDir, database).withJvmArg("-Xmx256m").start()) {
      node.awaitReady();
      try (ClusterLoad load =
          new ClusterLoad(List.of(node.baseUrl()), "slow", CLIENTS, Duration.ofSeconds(120))) {
        load.start();
        Thread.sleep(3_000);
        long heapBefore = heapAfterGc(node);
        int shedBefore = load.unavailableAnswers();
        holdEveryCommit(database, 3);
        Thread.sleep(SLOW_FOR.toMillis());
        long heapDuring = heapAfterGc(node);
        int shed = load.unavailableAnswers() - shedBefore;
        releaseCommits(database);
        long fastAgain = System.nanoTime();
        Duration recovered = load.awaitEveryCaseAcknowledgedAfter(fastAgain);
        Thread.sleep(2_000);
        load.stop();

        int lost = load.verifyJournal(new ApiClient(node.baseUrl()));
        System.out.printf(
            "[slow database] commits held 3 s for %d s under %d clients: %d attempts shed with"
                + " 503, %d acknowledged actions, lost %d; heap after GC %d MB before, %d MB"
                + " during; every case took commands again %.1f s after commits were fast%n",
            SLOW_FOR.toSeconds(),
            CLIENTS,
            shed,
            load.acknowledged(),
            lost,
            heapBefore / 1024,
            heapDuring / 1024,
            recovered.toMillis() / 1000.0);
        assertTrue(shed > 0, "the node shed load while commits were slow");
        assertTrue(node.isAlive(), "no restart");
        assertTrue(
            heapDuring < 160 * 1024,
            () -> "heap after GC " + heapDuring / 1024 + " MB of 256 MB while commits were slow");
        assertEquals(0, lost);
      }
    } finally {
      io.caseflow.testing.RunningCaseflow.deleteRecursively(dataDir);
    }
  }

  /** Used heap after a full collection, in KiB. */
  private static long heapAfterGc(ServiceProcess node) throws Exception {
    Jcmd.run(node.pid(), "GC.run");
    String info = Jcmd.run(node.pid(), "GC.heap_info");
    Matcher used = HEAP_USED.matcher(info);
    assertTrue(used.find(), info);
    return Long.parseLong(used.group(1));
  }

  private static void holdEveryCommit(TestPostgres.Database database, int seconds)
      throws Exception {
    try (Connection owner = database.connect();
        Statement statement = owner.createStatement()) {
      statement.execute(
          "CREATE FUNCTION hold_commit() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep("
              + seconds
              + "); RETURN NULL; END; $$ LANGUAGE plpgsql");
      statement.execute(
          "CREATE TRIGGER hold_commit AFTER INSERT ON event_journal"
              + " FOR EACH STATEMENT EXECUTE FUNCTION hold_commit()");
    }
  }

  private static void releaseCommits(TestPostgres.Database database) throws Exception {
    try (Connection owner = database.connect();
        Statement statement = owner.createStatement()) {
      statement.execute("DROP TRIGGER hold_commit ON event_journal");
    }
  }
}
