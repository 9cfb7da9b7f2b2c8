package io.caseflow.jdbc;

import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;

/**
 * A sharded daemon process is kept running by a pinger on each node, which asks its region every
 * {@code pekko.cluster.sharded-daemon-process.keep-alive-interval} to start each instance. A ping
 * that reaches the region while a stop hands its shards off is buffered for a shard the single-node
 * coordinator will never place again: Pekko 1.7 then holds the region until its shutdown phase
 * times out (9 s) and logs two WARNs ("Requested shard homes", "Graceful shutdown of shard region
 * timed out", or "Dropping buffered messages … during hand off"). Akka fixed that in its region
 * (akka/akka-core#33002); Pekko has not. So this node's pinger stops, and is waited for, before the
 * regions hand off; the other nodes' pingers keep the instances running elsewhere.
 */
public final class DaemonKeepAlive {

  /** The pinger's name under {@code /system}, as Pekko's ShardedDaemonProcess gives it. */
  private static final String PINGER = "/system/ShardedDaemonProcessKeepAlive-";

  private static final Duration PATIENCE = Duration.ofSeconds(3);

  private DaemonKeepAlive() {}

  /**
   * Stops the pinger of the daemon process {@code name} in the coordinated shutdown's phase before
   * the cluster's: before the sharding regions hand their shards off. A pinger not found (none on
   * this node) is nothing to stop; should a Pekko release rename it, QuietStopIT says so.
   */
  public static void stopBeforeHandOff(ActorSystem<?> system, String name) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeClusterShutdown(),
            "stop-keep-alive-" + name,
            () ->
                system
                    .classicSystem()
                    .actorSelection(PINGER + name)
                    .resolveOne(PATIENCE)
                    .thenCompose(pinger -> Patterns.gracefulStop(pinger, PATIENCE))
                    .handle((stopped, notThere) -> Done.getInstance()));
  }
}
