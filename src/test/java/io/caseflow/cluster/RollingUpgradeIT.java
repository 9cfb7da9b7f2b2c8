package io.caseflow.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ClusterLoad;
import io.caseflow.testing.LocalCluster;
import io.caseflow.testing.PreviousRelease;
import io.caseflow.testing.ServiceProcess;
import io.caseflow.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade, as an operator runs one: three nodes of the previous release on PostgreSQL
 * under a steady stream of actions, replaced one at a time by nodes of the build being tested
 * (SIGTERM, so the node leaves and hands its shards over; then the new node joins at the same
 * address). The first new node migrates the schema while two nodes of the previous release still
 * run on it, and nodes of both releases exchange commands and replies meanwhile. No acknowledged
 * action is lost, every chain verifies, the read side matches the journal, nothing is answered 500
 * (the load fails on any answer but 200 and 503), and no case waits long for its next acknowledged
 * action. Then the same again the other way, as a rollback: each node of today's build replaced by
 * one of the previous release, on the schema today's build migrated.
 */
@Tag("cluster")
class RollingUpgradeIT {

  private static final int CASES = 12;

  private static final Duration GIVE_UP = Duration.ofSeconds(90);

  /**
   * Between a client's actions: a steady load of about 20 actions a second, not the most the nodes
   * take. Saturated (25,822 actions in 5 minutes), the two cores here took 40 s to start each new
   * node.
   */
  private static final Duration PAUSE = Duration.ofMillis(500);

  /** Load before the first replacement and after each: the cluster settles, the load flows. */
  private static final Duration SETTLE = Duration.ofSeconds(3);

  /** How long a node may take to leave: coordinated shutdown's phases, the hand-off included. */
  private static final Duration LEAVING = Duration.ofSeconds(60);

  /**
   * The most any case may wait for its next acknowledged action during the whole upgrade: one
   * hand-off of its shard (and of the shard coordinator, when the oldest node leaves), which can
   * outlast one ask timeout (5 s) on a busy machine, plus the retry. Measured on two cores: 7.3 s
   * and 7.9 s. While nodes of two versions run, sharding moves no shard but those of a leaving
   * node, and those to the newest nodes, which are serving by then.
   */
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(15);

  @Test
  void threeNodesOfThePreviousReleaseAreReplacedOneByOneUnderLoadAndRolledBackTheSameWay()
      throws Exception {
    PreviousRelease previous = PreviousRelease.recorded();
    Path previousJar = previous.jar();
    Path todaysJar = Path.of(System.getProperty("fatJar", "target/caseflow.jar"));
    TestPostgres.Database database = TestPostgres.newDatabase();
    try (LocalCluster cluster = LocalCluster.start(3, database, previousJar);
        ClusterLoad load =
            new ClusterLoad(cluster.urls(), "rolling", CASES, GIVE_UP).pausing(PAUSE)) {
      load.start();
      Thread.sleep(SETTLE.toMillis());
      List<String> steps = new ArrayList<>();
      rollOnto(todaysJar, "today's build", cluster, load, steps);
      rollOnto(previousJar, previous.version(), cluster, load, steps);
      Thread.sleep(SETTLE.toMillis());
      load.stop();

      int lost = load.verify(cluster.node(0).baseUrl(), database);
      Duration longestWait = load.longestGap();
      System.out.printf(
          "[cluster] rolling upgrade %s -> today's build -> back: %d acknowledged actions, %d"
              + " attempts answered 503 and retried, lost %d; the longest any case waited for its"
              + " next acknowledged action: %.1f s; %s%n",
          previous.version(),
          load.acknowledged(),
          load.unavailableAnswers(),
          lost,
          seconds(longestWait),
          steps);
      System.out.println(
          "[cluster] rolling upgrade: attempts slower than 6 s: " + load.slowAttempts());
      assertEquals(0, lost);
      assertTrue(
          longestWait.compareTo(LONGEST_WAIT) <= 0,
          () ->
              "a case waited "
                  + seconds(longestWait)
                  + " s for its next acknowledged action during the upgrade or the rollback"
                  + " (at most "
                  + LONGEST_WAIT.toSeconds()
                  + " s); slow attempts: "
                  + load.slowAttempts());
    }
  }

  /** Replaces each node in turn by one of {@code jar}, as in an upgrade or a rollback. */
  private static void rollOnto(
      Path jar, String release, LocalCluster cluster, ClusterLoad load, List<String> steps)
      throws Exception {
    for (int i = 0; i < 3; i++) {
      String leaving = cluster.node(i).baseUrl();
      load.avoid(leaving);
      long replacedAt = System.nanoTime();
      ServiceProcess joined = cluster.replace(i, jar, LEAVING);
      load.use(joined.baseUrl());
      Duration took = Duration.ofNanos(System.nanoTime() - replacedAt);
      Thread.sleep(SETTLE.toMillis());
      steps.add(
          String.format(
              "node %d replaced by %s in %.1f s, longest wait so far %.1f s",
              i, release, seconds(took), seconds(load.longestGap())));
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
