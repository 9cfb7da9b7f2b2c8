package io.caseflow.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Await;
import scala.concurrent.duration.FiniteDuration;

/**
 * What a node closes once its actor system has terminated (the database pools, the tracer), in
 * order and once, however the system ended.
 *
 * <p>A SIGTERM ends the system from Pekko's JVM shutdown hook, and the JVM halts as soon as its
 * hooks have returned: a close run only as a callback of the termination was cut short, and the
 * embedded H2 file was left without its clean-shutdown mark. So a hook of our own waits for the
 * termination and for the close. It waits on the classic system's own future: when a downed node
 * exits, Pekko calls {@code System.exit} from the thread that completes that future, before the
 * callbacks that would complete the typed system's future and its Java view, which then never run.
 */
final class ClosedAfterTermination {

  private static final Logger log = LoggerFactory.getLogger(ClosedAfterTermination.class);

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
    try {
      Await.ready(
          Adapter.toClassic(system).whenTerminated(),
          FiniteDuration.create(patience.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      log.warn(
          "The actor system did not terminate within {}; closing the database anyway", patience);
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
