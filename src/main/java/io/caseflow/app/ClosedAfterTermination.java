package io.caseflow.app;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;

/**
 * What a node closes once its actor system has terminated (the database pools, the tracer), in
 * order and once, however the system ended.
 *
 * <p>A SIGTERM ends the system from Pekko's JVM shutdown hook, and the JVM halts as soon as its
 * hooks have returned: a close run only as a callback of the termination was cut short, and the
 * embedded H2 file was left without its clean-shutdown mark. So a hook of our own waits for the
 * termination, or for the coordinated shutdown to have run all its phases, and then closes.
 *
 * <p>The hook looks at both futures' state rather than waiting on callbacks: when a downed node
 * exits, Pekko calls {@code System.exit} from the thread that completes the termination, before
 * other callbacks of it run, which then never do. And a downed node cut off from the others may
 * never terminate (remoting's transports wait on connections to nodes it cannot reach): Pekko then
 * exits when the last phase times out, with its phases all run, and the hook closes at once.
 */
final class ClosedAfterTermination {

  private static final Logger log = LoggerFactory.getLogger(ClosedAfterTermination.class);

  private static final Duration POLL = Duration.ofMillis(20);

  private final List<AutoCloseable> resources;
  private boolean closed;

  private ClosedAfterTermination(List<AutoCloseable> resources) {
    this.resources = resources;
  }

  static void register(ActorSystem<?> system, List<AutoCloseable> resources) {
    ClosedAfterTermination closing = new ClosedAfterTermination(List.copyOf(resources));
    Duration patience =
        Duration.ofMillis(
                CoordinatedShutdown.get(Adapter.toClassic(system)).totalTimeout().toMillis())
            .plusSeconds(5);
    Thread onExit =
        new Thread(() -> closing.afterTermination(system, patience), "caseflow-close-on-exit");
    Runtime.getRuntime().addShutdownHook(onExit);
    system
        .getWhenTerminated()
        .thenRun(
            () -> {
              closing.close();
              try {
                Runtime.getRuntime().removeShutdownHook(onExit);
              } catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook runs, finds everything closed and returns
              }
            });
  }

  private void afterTermination(ActorSystem<?> system, Duration patience) {
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    Future<Done> phasesRun =
        CoordinatedShutdown.get(classic).run(CoordinatedShutdown.jvmExitReason());
    long deadline = System.nanoTime() + patience.toNanos();
    try {
      while (!classic.whenTerminated().isCompleted() && !phasesRun.isCompleted()) {
        if (System.nanoTime() > deadline) {
          log.warn(
              "The actor system did not terminate within {}; closing the database anyway",
              patience);
          break;
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  private synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Closing {} failed", resource, e);
      }
    }
  }
}
