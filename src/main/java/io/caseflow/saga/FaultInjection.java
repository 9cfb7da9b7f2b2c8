package io.caseflow.saga;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash points for the saga tests: with {@code caseflow.sagas.halt-after} naming a point, the JVM
 * halts (no shutdown hooks, like SIGKILL) the moment a saga reaches it, right after persisting that
 * step and before acting on it. Empty, as in service, it does nothing.
 */
final class FaultInjection {

  /** A subject was claimed; the case is not open yet. */
  static final String SUBJECT_CLAIMED = "subject-claimed";

  /** A merge saga locked the duplicate; the primary has not recorded it yet. */
  static final String MERGE_STARTED = "merge-started";

  private static final Logger log = LoggerFactory.getLogger(FaultInjection.class);

  private final String haltAfter;

  FaultInjection(String haltAfter) {
    this.haltAfter = haltAfter;
  }

  void reached(String point) {
    if (point.equals(haltAfter)) {
      log.error("Fault injection: halting after {}", point);
      Runtime.getRuntime().halt(137);
    }
  }
}
