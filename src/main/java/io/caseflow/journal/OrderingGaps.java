package io.caseflow.journal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * How far {@code eventsByTag} may read: the highest journal ordering at or below which every
 * ordering is either visible or will never be ({@link #max()}). An ordering above it that is
 * missing while a higher one is visible is a hole: a write still in flight, whose event a live
 * projection would skip for good if it read past it, or a write that never commits (rolled back, or
 * cut off by a crash), which only delays every later event.
 *
 * <p>A hole is read past when one of these says it is final:
 *
 * <ul>
 *   <li>{@link #finalThrough}: the database says no ordering at or below a bound can still appear
 *       (the embedded database at start-up);
 *   <li>{@link #transactionsInProgress}: every transaction that was in progress after the hole was
 *       seen has ended ({@link RunningTransactions} says why that is exact on PostgreSQL);
 *   <li>the upper bound: the hole has been seen for {@code maxTries} rounds ({@code max-tries ×
 *       query-delay}), as in the plugin's own tracker; a commit slower than that is skipped by the
 *       live projection and repaired by the read side's reconciliation.
 * </ul>
 *
 * <p>Not thread-safe: one actor owns it.
 */
final class OrderingGaps {

  /**
   * The transactions in progress after every ordering at or below {@code through} that was missing
   * had been seen: once all of them have ended, those orderings are visible or never will be.
   */
  private record Snapshot(long through, Set<String> running) {}

  private final int maxTries;

  /** The highest ordering seen at the end of each of the last rounds, oldest first. */
  private final Deque<Long> seenByRound = new ArrayDeque<>();

  private final List<Snapshot> snapshots = new ArrayList<>();
  private long max;

  /** The highest ordering seen visible (or known final): no hole is known above it. */
  private long seen;

  /** {@link #seen} at the end of the previous round. */
  private long seenBefore;

  /** The highest hole the last page showed, or {@link #max} when it showed none. */
  private long highestHole;

  /**
   * Starts at {@code max}, an ordering at or below which nothing can still appear (0 when nothing
   * is known).
   */
  OrderingGaps(long max, int maxTries) {
    if (maxTries < 1) {
      throw new IllegalArgumentException("max-tries must be at least 1");
    }
    this.maxTries = maxTries;
    this.max = max;
    this.seen = max;
    this.seenBefore = max;
    this.highestHole = max;
  }

  long max() {
    return max;
  }

  /** Whether a hole keeps {@link #max} below an ordering already seen. */
  boolean blocked() {
    return max < seen;
  }

  /**
   * One page of the orderings visible above {@link #max()} when the query was sent, ascending: the
   * maximum moves up to the first hole; holes after it are remembered as seen.
   */
  void scanned(List<Long> visible) {
    long previous = max;
    boolean advancing = true;
    highestHole = max;
    for (long ordering : visible) {
      if (ordering <= previous) {
        continue;
      }
      if (ordering != previous + 1) {
        advancing = false;
        highestHole = ordering - 1;
      }
      if (advancing) {
        max = ordering;
      }
      previous = ordering;
    }
    seen = Math.max(seen, previous);
    forgetSettledSnapshots();
  }

  /** No ordering at or below {@code through} that is missing now can still appear. */
  void finalThrough(long through) {
    if (through > max) {
      max = through;
      seen = Math.max(seen, through);
      highestHole = Math.max(highestHole, max);
      forgetSettledSnapshots();
    }
  }

  /** A snapshot at or below the maximum has nothing left to settle. */
  private void forgetSettledSnapshots() {
    snapshots.removeIf(snapshot -> snapshot.through() <= max);
  }

  /**
   * The orderings at or below {@code through} become final after {@code maxTries} rounds, as if
   * seen missing now (the plugin's start-up assumption about the journal's highest ordering).
   */
  void finalAfterMaxTries(long through) {
    seenByRound.addLast(through);
  }

  /**
   * Ends one round (a query of the journal, then a pause of {@code query-delay}): a hole seen
   * missing {@code maxTries} rounds ago is given up.
   */
  void endRound() {
    seenBefore = seen;
    seenByRound.addLast(seen);
    while (seenByRound.size() > maxTries) {
      finalThrough(seenByRound.removeFirst());
    }
  }

  /**
   * Whether to ask which transactions are in progress: a hole seen in an earlier round still
   * blocks, or a snapshot waits for its transactions. A hole that a commit fills within one round,
   * the usual kind under load, costs no query.
   */
  boolean wantsTransactions() {
    return (blocked() && max < seenBefore) || !snapshots.isEmpty();
  }

  /**
   * The transactions in progress now, asked after the last page was read: snapshots none of whose
   * transactions is among them make their orderings final; holes not yet covered by a snapshot get
   * this one.
   */
  void transactionsInProgress(Set<String> running) {
    for (Snapshot snapshot : List.copyOf(snapshots)) {
      if (Collections.disjoint(snapshot.running(), running)) {
        finalThrough(snapshot.through());
        snapshots.remove(snapshot);
      }
    }
    boolean uncovered = snapshots.stream().allMatch(snapshot -> snapshot.through() < highestHole);
    if (blocked() && highestHole > max && uncovered) {
      if (running.isEmpty()) {
        finalThrough(seen);
      } else {
        snapshots.add(new Snapshot(seen, Set.copyOf(running)));
      }
    }
  }

  /**
   * At start-up: every ordering at or below {@code through}, the journal's highest when {@code
   * running} (the transactions then in progress) was read, becomes final once they have ended.
   */
  void startedWith(long through, Set<String> running) {
    if (through <= max) {
      return;
    }
    if (running.isEmpty()) {
      finalThrough(through);
    } else {
      snapshots.add(new Snapshot(through, Set.copyOf(running)));
    }
  }
}
