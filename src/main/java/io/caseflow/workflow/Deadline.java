package io.caseflow.workflow;

import java.time.Duration;

/**
 * A case left in {@code state} for {@code after} has {@code action} performed on it by the system
 * (actor {@code system:deadline}).
 */
public record Deadline(String state, Duration after, String action) {

  /** What names this deadline among a case's timers (and in the idempotency key it fires with). */
  public String key() {
    return "state:" + state + ":" + action;
  }
}
