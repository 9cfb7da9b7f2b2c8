package io.caseflow.notify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookBackoffTest {

  private final WebhookSettings delivery =
      new WebhookSettings(
          8,
          Duration.ofSeconds(1),
          Duration.ofMinutes(10),
          Duration.ofSeconds(10),
          Duration.ofMillis(250),
          32,
          false,
          List.of());

  @Test
  void waitsDoubleFromTheInitialBackoffJitteredToHalfOrMore() {
    for (int attempts = 1; attempts <= 6; attempts++) {
      long full = 1000L << (attempts - 1);
      for (int sample = 0; sample < 200; sample++) {
        long wait = delivery.backoff(attempts).toMillis();
        int attempt = attempts;
        assertTrue(
            wait >= full / 2 && wait <= full,
            () ->
                "attempt "
                    + attempt
                    + " waited "
                    + wait
                    + " ms, expected "
                    + full / 2
                    + ".."
                    + full);
      }
    }
  }

  @Test
  void neverWaitsLongerThanTheMaximumEvenAfterManyAttempts() {
    // From the 11th attempt the doubling (1,024 s) passes the 10 min maximum.
    for (int attempts : new int[] {11, 20, 31, 64, 1000}) {
      for (int sample = 0; sample < 200; sample++) {
        long wait = delivery.backoff(attempts).toMillis();
        assertTrue(wait >= 300_000 && wait <= 600_000, "attempt " + attempts + ": " + wait + " ms");
      }
    }
  }
}
