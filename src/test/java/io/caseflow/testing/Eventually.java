package io.caseflow.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits on a condition instead of sleeping a fixed time: polls until the probe answers, and fails
 * naming what did not happen when it never does.
 */
public final class Eventually {

  private static final Duration POLL = Duration.ofMillis(100);

  private Eventually() {}

  /** The first value {@code probe} answers within {@code within}. */
  public static <T> T await(String what, Duration within, Callable<Optional<T>> probe)
      throws Exception {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      Optional<T> value = probe.call();
      if (value.isPresent()) {
        return value.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " did not happen within " + within);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The first answer of {@code probe} that is {@code done}; a failure shows the last one seen. */
  public static <T> T until(
      String what, Duration within, Callable<T> probe, Predicate<? super T> done) throws Exception {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      T seen = probe.call();
      if (done.test(seen)) {
        return seen;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " did not happen within " + within + "; last: " + seen);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Returns once {@code condition} holds, within {@code within}. */
  public static void awaitTrue(String what, Duration within, Callable<Boolean> condition)
      throws Exception {
    await(what, within, () -> condition.call() ? Optional.of(true) : Optional.empty());
  }
}
