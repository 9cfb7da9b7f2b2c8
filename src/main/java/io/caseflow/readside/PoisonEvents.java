package io.caseflow.readside;

import io.caseflow.jdbc.TransientFailures;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed attempts per event for one projection instance (failures of the database itself do
 * not count: see {@link TransientFailures}). After the configured number of attempts an event is
 * dead-lettered; it is then skipped only when the settings allow it, otherwise the projection keeps
 * retrying it with backoff (and stays visibly stuck).
 */
final class PoisonEvents {

  private final int maxAttempts;
  private final boolean skip;
  private final DeadLetters deadLetters;
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  PoisonEvents(ReadSideSettings settings, DeadLetters deadLetters) {
    this.maxAttempts = settings.poisonAttempts();
    this.skip = settings.skipPoisonEvents();
    this.deadLetters = deadLetters;
  }

  /** Marks an event of a group that failed: its next groups are applied one event at a time. */
  void suspect(String persistenceId, long seq) {
    attempts.putIfAbsent(key(persistenceId, seq), 0);
  }

  /** Whether an event belongs to a group that failed and has not applied since. */
  boolean isSuspect(String persistenceId, long seq) {
    return attempts.containsKey(key(persistenceId, seq));
  }

  /** Whether this event has failed often enough to be skipped. */
  boolean shouldSkip(String persistenceId, long seq) {
    return skip && attempts.getOrDefault(key(persistenceId, seq), 0) >= maxAttempts;
  }

  int attempts(String persistenceId, long seq) {
    return attempts.getOrDefault(key(persistenceId, seq), 0);
  }

  /** Counts a failure; at the limit, the event is dead-lettered in a transaction of its own. */
  void failed(String persistenceId, long seq, int slice, Exception error) {
    int count = attempts.merge(key(persistenceId, seq), 1, Integer::sum);
    if (count >= maxAttempts) {
      deadLetters.record(persistenceId, seq, slice, count, false, String.valueOf(error));
    }
  }

  /** Forgets an event's failures; answers whether it had failed often enough to be recorded. */
  boolean applied(String persistenceId, long seq) {
    Integer failed = attempts.remove(key(persistenceId, seq));
    return failed != null && failed >= maxAttempts;
  }

  private static String key(String persistenceId, long seq) {
    return persistenceId + "#" + seq;
  }
}
