package io.caseflow.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ApiClient;
import io.caseflow.testing.ClusterLoad;
import io.caseflow.testing.LocalCluster;
import io.caseflow.testing.RestartablePostgres;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three nodes as separate processes of the jar on one PostgreSQL, under a steady stream of actions
 * spread over all of them. A node that crashes or freezes loses no acknowledged action, its cases
 * take commands again on the survivors, and no case ever gets a corrupt history.
 */
@Tag("cluster")
class ClusterFailoverIT {

  /** One client per case, so a client waiting for a moved case holds up no other case. */
  private static final int CASES = 12;

  private static final Duration GIVE_UP = Duration.ofSeconds(90);

  /**
   * Load before the fault: short, as after longer runs the node about to fail sometimes hosted none
   * of the cases (each test asks the nodes' shard regions just before the fault, and fails then if
   * it hosts none). Sharding may still be moving shards onto the new nodes then; a shard caught
   * mid-move waits the hand-off timeout too.
   */
  private static final Duration LOAD_BEFORE_FAULT = Duration.ofSeconds(5);

  /**
   * A frozen node's cases have taken 30 s to over 90 s to move in this test, depending on whether a
   * shard hand-off was under way when it froze; the test is about what the node does when it wakes,
   * so it waits longer.
   */
  private static final Duration FROZEN_GIVE_UP = Duration.ofSeconds(180);

  private static final Pattern DUPLICATE_KEY =
      Pattern.compile("duplicate key value violates unique constraint \"event_journal_pkey\"");

  @Test
  void aNodeKilledMidLoadLosesNothingAndItsCasesMoveToTheSurvivors() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (LocalCluster cluster = LocalCluster.start(3, database);
        ClusterLoad load = new ClusterLoad(cluster.urls(), "killed", CASES, GIVE_UP)) {
      load.start();
      Thread.sleep(LOAD_BEFORE_FAULT.toMillis());
      ServiceProcess victim = cluster.node(2);
      List<ServiceProcess> survivors = List.of(cluster.node(0), cluster.node(1));
      Set<String> victimCases =
          load.casesHostedBy(LocalCluster.managementUrls(cluster.nodes())).get(2);
      assertFalse(
          victimCases.isEmpty(),
          "the node about to be killed hosted none of the load's cases: nothing to fail over");
      load.avoid(victim.baseUrl());
      long killedAt = System.nanoTime();
      victim.kill();
      Duration failover = load.awaitEveryCaseAcknowledgedAfter(killedAt);
      Thread.sleep(3000);
      load.stop();

      int lost = load.verify(cluster.node(0).baseUrl(), database);
      System.out.printf(
          "[cluster] SIGKILL: %d acknowledged actions, %d failed attempts retried, lost %d;"
              + " every case took commands again %.1f s after the kill; the longest a case went"
              + " without an acknowledged action: %.1f s%n",
          load.acknowledged(),
          load.failedAttempts(),
          lost,
          seconds(failover),
          seconds(load.longestGapAcross(killedAt)));
      System.out.println("[cluster] SIGKILL: attempts slower than 6 s: " + load.slowAttempts());
      System.out.println("[cluster] SIGKILL: the killed node hosted " + victimCases);
      load.assertTakenOverBy(victimCases, killedAt, survivors);
    }
  }

  /**
   * A node frozen longer than the split-brain resolver waits is downed and its cases move. When it
   * runs again it must not keep writing them: it finds itself removed and stops, and the journal's
   * primary key refuses any write it still attempts.
   */
  @Test
  void aFrozenNodeThatWakesUpAfterBeingDownedWritesNothingAndStops() throws Exception {
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (LocalCluster cluster = LocalCluster.start(3, database);
        ClusterLoad load = new ClusterLoad(cluster.urls(), "frozen", CASES, FROZEN_GIVE_UP)) {
      load.start();
      Thread.sleep(LOAD_BEFORE_FAULT.toMillis());
      ServiceProcess frozen = cluster.node(2);
      List<ServiceProcess> survivors = List.of(cluster.node(0), cluster.node(1));
      Set<String> frozenCases =
          load.casesHostedBy(LocalCluster.managementUrls(cluster.nodes())).get(2);
      assertFalse(
          frozenCases.isEmpty(),
          "the node about to be frozen hosted none of the load's cases: nothing to fail over");
      long frozenAt = System.nanoTime();
      frozen.freeze();
      load.avoid(frozen.baseUrl());
      Thread.sleep(25_000);
      frozen.thaw();
      Duration failover = load.awaitEveryCaseAcknowledgedAfter(frozenAt);
      Thread.sleep(10_000);
      load.stop();

      int lost = load.verify(cluster.node(0).baseUrl(), database);
      assertFalse(frozen.isAlive(), "the downed node stopped itself once it ran again");
      int refused = frozen.countInOutput(DUPLICATE_KEY);
      System.out.printf(
          "[cluster] SIGSTOP: %d acknowledged actions, lost %d; every case took commands again"
              + " %.1f s after the freeze (longest a case went without an acknowledged action:"
              + " %.1f s); the woken node's journal writes refused by the primary key: %d%n",
          load.acknowledged(),
          lost,
          seconds(failover),
          seconds(load.longestGapAcross(frozenAt)),
          refused);
      System.out.println("[cluster] SIGSTOP: attempts slower than 6 s: " + load.slowAttempts());
      System.out.println("[cluster] SIGSTOP: the frozen node hosted " + frozenCases);
      assertEquals(0, lost);
      load.assertTakenOverBy(frozenCases, frozenAt, survivors);
    }
  }

  /**
   * PostgreSQL stopped for 20 s under load (an immediate shutdown, as {@code pg_ctl stop -m
   * immediate}: every connection cut, crash recovery on restart). Clients get 503, never a false
   * success; every node says it is not ready, on the API and on the management port alike; the
   * nodes recover without a restart, nothing acknowledged is lost and the read side catches up.
   */
  @Test
  void aDatabaseOutageUnderLoadAnswers503AndLosesNothing() throws Exception {
    try (RestartablePostgres postgres = new RestartablePostgres();
        LocalCluster cluster = LocalCluster.start(3, postgres.database());
        ClusterLoad load = new ClusterLoad(cluster.urls(), "outage", CASES, GIVE_UP)) {
      load.start();
      Thread.sleep(LOAD_BEFORE_FAULT.toMillis());
      int unavailableBefore = load.unavailableAnswers();
      long stoppedAt = System.nanoTime();
      postgres.stop();
      Thread.sleep(10_000);
      for (ServiceProcess node : cluster.nodes()) {
        assertEquals(503, new ApiClient(node.baseUrl()).get("/health/ready", null).status());
        assertEquals(500, new ApiClient(node.managementUrl()).get("/ready", null).status());
        assertEquals(200, new ApiClient(node.managementUrl()).get("/alive", null).status());
      }
      Thread.sleep(
          Math.max(0, 20_000 - Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis()));
      int failedDuring = load.unavailableAnswers() - unavailableBefore;
      long restartedAt = System.nanoTime();
      postgres.start();
      Duration recovery = load.awaitEveryCaseAcknowledgedAfter(restartedAt);
      Thread.sleep(3000);
      load.stop();

      for (ServiceProcess node : cluster.nodes()) {
        assertTrue(node.isAlive(), "no node was restarted");
        assertEquals(200, new ApiClient(node.baseUrl()).get("/health/ready", null).status());
        assertEquals(200, new ApiClient(node.managementUrl()).get("/ready", null).status());
      }
      int lost = load.verify(cluster.node(0).baseUrl(), postgres.database());
      System.out.printf(
          "[cluster] database outage 20 s: %d acknowledged actions, %d attempts refused with 503"
              + " during it, lost %d; every case took commands again %.1f s after the database"
              + " came back%n",
          load.acknowledged(), failedDuring, lost, seconds(recovery));
      assertTrue(failedDuring > 0, "the outage was noticed");
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
