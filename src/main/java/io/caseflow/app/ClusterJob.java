package io.caseflow.app;

import io.caseflow.jdbc.DaemonKeepAlive;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;

/**
 * Runs a blocking job periodically on exactly one node of the cluster (a sharded daemon process of
 * one), never two runs at once: the read side's reconciliation, the webhook deliveries.
 */
final class ClusterJob {

  /** Ticks start a run; a run's end schedules the next tick, so runs never overlap. */
  private enum Signal {
    TICK,
    RUN_FINISHED
  }

  private ClusterJob() {}

  static void init(ActorSystem<?> system, String name, Runnable job, Duration interval) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    ShardedDaemonProcess.get(system)
        .init(Signal.class, name, 1, instance -> behavior(name, job, interval, blocking));
    DaemonKeepAlive.stopBeforeHandOff(system, name);
  }

  private static Behavior<Signal> behavior(
      String name, Runnable job, Duration interval, Executor blocking) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Signal.TICK, interval);
                  return Behaviors.receiveMessage(
                      signal -> {
                        if (signal == Signal.TICK) {
                          // A run's end comes as Done, not runAsync's null: a run that ends after
                          // the stop took its actor becomes a dead letter, and Pekko's dead-letter
                          // logger fails (logging an ERROR) on a piped null.
                          context.pipeToSelf(
                              CompletableFuture.runAsync(job, blocking)
                                  .thenApply(nothing -> Done.getInstance()),
                              (done, error) -> {
                                if (error != null) {
                                  context.getLog().warn("{} failed", name, error);
                                }
                                return Signal.RUN_FINISHED;
                              });
                        } else {
                          timers.startSingleTimer(Signal.TICK, interval);
                        }
                        return Behaviors.same();
                      });
                }));
  }
}
