package io.caseflow.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.testing.ClusterLoad;
import io.caseflow.testing.ClusterMembers;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.IsolatedNetwork;
import io.caseflow.testing.LocalCluster;
import io.caseflow.testing.RestartablePostgres;
import io.caseflow.testing.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, each in a network namespace of its own, on one PostgreSQL that every node reaches
 * throughout; one node is cut off from the other two, under a steady stream of actions on every
 * node. The split-brain resolver downs the minority, which exits; no case ever has two writers (the
 * acknowledged history of every case is one chain holding every acknowledged action once); and once
 * the link is healed and the downed node restarted, as a service manager does, the cluster is whole
 * again.
 */
@Tag("cluster")
class NetworkPartitionIT {

  private static final int CASES = 12;

  /** The minority's cases move once the majority has downed it: about twice stable-after. */
  private static final Duration GIVE_UP = Duration.ofSeconds(120);

  private static final Duration LOAD_BEFORE_FAULT = Duration.ofSeconds(5);

  /** Stable-after (7 s) for the decision, then the node's coordinated shutdown. */
  private static final Duration DOWNED_WITHIN = Duration.ofSeconds(60);

  private static final Duration WHOLE_WITHIN = Duration.ofSeconds(90);

  private static final Duration FLAPPING = Duration.ofSeconds(60);

  private static final Pattern DUPLICATE_KEY =
      Pattern.compile("duplicate key value violates unique constraint \"event_journal_pkey\"");

  @Test
  void aNodeCutOffFromTheOthersIsDownedAndRejoinsOnceTheLinkIsHealed() throws Exception {
    try (IsolatedNetwork network = IsolatedNetwork.create(3);
        RestartablePostgres postgres = new RestartablePostgres(network);
        LocalCluster cluster = LocalCluster.start(network.nodes(), postgres.databaseFor(network));
        ClusterLoad load = new ClusterLoad(cluster.urls(), "cut", CASES, GIVE_UP)) {
      load.start();
      Thread.sleep(LOAD_BEFORE_FAULT.toMillis());
      ServiceProcess minority = cluster.node(2);
      List<ServiceProcess> majority = List.of(cluster.node(0), cluster.node(1));
      Set<String> minorityCases =
          load.casesHostedBy(LocalCluster.managementUrls(cluster.nodes())).get(2);
      assertFalse(
          minorityCases.isEmpty(),
          "the node about to be cut off hosted none of the load's cases: nothing to move");

      long cutAt = System.nanoTime();
      network.cutOff(2);
      int exit = minority.awaitExit(DOWNED_WITHIN);
      long downedAt = System.nanoTime();
      load.avoid(minority.baseUrl());
      for (ServiceProcess node : majority) {
        ClusterMembers.awaitWhole(node.managementUrl(), 2, WHOLE_WITHIN);
      }
      Duration failover = load.awaitEveryCaseAcknowledgedAfter(downedAt);
      load.assertTakenOverBy(minorityCases, downedAt, majority);

      network.heal(2);
      long healedAt = System.nanoTime();
      ServiceProcess rejoined = cluster.restart(2);
      load.use(rejoined.baseUrl());
      for (ServiceProcess node : cluster.nodes()) {
        ClusterMembers.awaitWhole(node.managementUrl(), 3, WHOLE_WITHIN);
      }
      Duration whole = Duration.ofNanos(System.nanoTime() - healedAt);
      long rejoinedAt = System.nanoTime();
      load.awaitEveryCaseAcknowledgedAfter(rejoinedAt);
      Eventually.awaitTrue(
          "the rejoined node took commands",
          GIVE_UP,
          () -> !load.acknowledgedAfterBy(rejoinedAt, List.of(rejoined.baseUrl())).isEmpty());
      load.stop();

      int lost = load.verify(cluster.node(0).baseUrl(), postgres.database());
      majority.forEach(node -> assertTrue(node.isAlive(), "the majority was never downed"));
      System.out.printf(
          "[cluster] partition: the cut-off node exited (code %d) %.1f s into the cut; every case"
              + " took commands again %.1f s after it exited; %d acknowledged actions, %d failed"
              + " attempts retried, lost %d; its journal writes refused by the primary key: %d;"
              + " whole again %.1f s after the link was healed%n",
          exit,
          seconds(Duration.ofNanos(downedAt - cutAt)),
          seconds(failover),
          load.acknowledged(),
          load.failedAttempts(),
          lost,
          minority.countInOutput(DUPLICATE_KEY),
          seconds(whole));
      System.out.println("[cluster] partition: the minority hosted " + minorityCases);
    }
  }

  /**
   * A link that fails and comes back every few seconds for a minute. Whatever the split-brain
   * resolver decides meanwhile (nothing, the minority down, or every node down when membership
   * never settles), once the link holds and the nodes that exited are restarted, the cluster is
   * whole and nothing acknowledged is lost.
   */
  @Test
  void aFlappingLinkLosesNothingAndTheClusterSettles() throws Exception {
    try (IsolatedNetwork network = IsolatedNetwork.create(3);
        RestartablePostgres postgres = new RestartablePostgres(network);
        LocalCluster cluster = LocalCluster.start(network.nodes(), postgres.databaseFor(network));
        ClusterLoad load = new ClusterLoad(cluster.urls(), "flap", CASES, GIVE_UP)) {
      load.start();
      Thread.sleep(LOAD_BEFORE_FAULT.toMillis());
      long flappingUntil = System.nanoTime() + FLAPPING.toNanos();
      List<String> timeline = new ArrayList<>();
      long startedAt = System.nanoTime();
      while (System.nanoTime() < flappingUntil) {
        network.cutOff(2);
        timeline.add(
            String.format("cut %.1f", seconds(Duration.ofNanos(System.nanoTime() - startedAt))));
        Thread.sleep(ThreadLocalRandom.current().nextLong(2_000, 6_000));
        network.heal(2);
        timeline.add(
            String.format("healed %.1f", seconds(Duration.ofNanos(System.nanoTime() - startedAt))));
        Thread.sleep(ThreadLocalRandom.current().nextLong(2_000, 6_000));
      }
      long settledFrom = System.nanoTime();
      List<Integer> restarted = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        if (!cluster.node(i).isAlive()) {
          load.avoid(cluster.node(i).baseUrl());
          restarted.add(i);
        }
      }
      for (int i : restarted) {
        load.use(cluster.restart(i).baseUrl());
      }
      for (ServiceProcess node : cluster.nodes()) {
        ClusterMembers.awaitWhole(node.managementUrl(), 3, WHOLE_WITHIN);
      }
      Duration settled = Duration.ofNanos(System.nanoTime() - settledFrom);
      load.awaitEveryCaseAcknowledgedAfter(System.nanoTime());
      load.stop();

      int lost = load.verify(cluster.node(0).baseUrl(), postgres.database());
      System.out.printf(
          "[cluster] flapping link: %s; nodes that exited and were restarted: %s; whole again %.1f"
              + " s after the link held; %d acknowledged actions, %d failed attempts retried,"
              + " lost %d%n",
          timeline, restarted, seconds(settled), load.acknowledged(), load.failedAttempts(), lost);
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
