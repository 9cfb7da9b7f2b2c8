package io.caseflow.refusals;

import java.time.Duration;

/**
 * The refusal log: how many refusals wait in memory for the writer at most (past that they are
 * counted, not kept), how many go into one transaction, how long rows are kept, and how often one
 * node removes older ones.
 */
public record RefusalSettings(
    int queueSize, int batchSize, Duration retention, Duration cleanupInterval) {

  /** The database refuses to delete younger refusals, whatever the setting says. */
  public static final Duration MIN_RETENTION = Duration.ofDays(1);
}
