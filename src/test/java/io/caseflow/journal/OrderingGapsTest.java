package io.caseflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How far eventsByTag may read, hole by hole: what holds it back and what lets it pass. */
class OrderingGapsTest {

  @Test
  void movesUpToTheFirstHole() {
    OrderingGaps gaps = new OrderingGaps(0, 10);
    gaps.scanned(List.of(1L, 2L, 3L, 5L, 6L));
    assertEquals(3, gaps.max());
    assertTrue(gaps.blocked());
    gaps.scanned(List.of(4L, 5L, 6L));
    assertEquals(6, gaps.max(), "the hole filled: read on past it");
    assertFalse(gaps.blocked());
  }

  @Test
  void givesAHoleUpOnlyAfterMaxTriesRounds() {
    OrderingGaps gaps = new OrderingGaps(0, 3);
    for (int round = 1; round <= 3; round++) {
      gaps.scanned(List.of(1L, 3L));
      assertEquals(1, gaps.max(), "round " + round + " still waits for ordering 2");
      gaps.endRound();
    }
    gaps.scanned(List.of(3L));
    assertEquals(1, gaps.max(), "the bound counts rounds from the one the hole was first seen in");
    gaps.endRound();
    assertEquals(3, gaps.max(), "given up after max-tries rounds, as the plugin does");
  }

  @Test
  void aHoleSeenLaterWaitsItsOwnFullBound() {
    OrderingGaps gaps = new OrderingGaps(0, 2);
    gaps.scanned(List.of(1L, 3L));
    gaps.endRound();
    gaps.scanned(List.of(2L, 3L, 5L));
    gaps.endRound();
    assertEquals(3, gaps.max());
    gaps.scanned(List.of(5L));
    gaps.endRound();
    assertEquals(3, gaps.max(), "ordering 4 was first seen one round ago");
    gaps.scanned(List.of(5L));
    gaps.endRound();
    assertEquals(5, gaps.max());
  }

  @Test
  void readsPastEveryHoleAtOrBelowAFinalOrdering() {
    OrderingGaps gaps = new OrderingGaps(0, 1_000);
    gaps.finalThrough(40);
    assertEquals(40, gaps.max(), "nothing at or below 40 can still appear");
    gaps.scanned(List.of(43L, 44L));
    assertEquals(40, gaps.max(), "holes above it wait as before");
  }

  @Test
  void startsAtAnOrderingKnownFinal() {
    OrderingGaps gaps = new OrderingGaps(39, 1_000);
    gaps.scanned(List.of(40L, 41L));
    assertEquals(41, gaps.max());
  }

  @Test
  void aHoleFilledWithinARoundCostsNoQueryOfTransactions() {
    OrderingGaps gaps = new OrderingGaps(0, 1_000);
    gaps.scanned(List.of(1L, 3L));
    assertTrue(gaps.blocked());
    assertFalse(
        gaps.wantsTransactions(), "a hole seen for the first time may be a commit in flight");
    gaps.endRound();
    gaps.scanned(List.of(2L, 3L));
    assertFalse(gaps.wantsTransactions());
  }

  @Test
  void aHoleIsFinalOnceTheTransactionsInProgressAfterItWasSeenHaveEnded() {
    OrderingGaps gaps = new OrderingGaps(0, 1_000);
    gaps.scanned(List.of(1L, 3L));
    gaps.endRound();
    gaps.scanned(List.of(1L, 3L, 4L));
    assertTrue(gaps.wantsTransactions(), "the hole outlived a round");
    gaps.transactionsInProgress(Set.of("3/7", "4/2"));
    assertEquals(1, gaps.max(), "its writer may be one of them");
    gaps.endRound();

    gaps.scanned(List.of(3L, 4L));
    assertTrue(gaps.wantsTransactions());
    gaps.transactionsInProgress(Set.of("4/2", "5/9"));
    assertEquals(1, gaps.max(), "4/2 is still in progress; 5/9 began after the hole was seen");
    gaps.endRound();

    gaps.scanned(List.of(3L, 4L));
    gaps.transactionsInProgress(Set.of("5/9", "6/1"));
    assertEquals(4, gaps.max(), "every transaction that could fill ordering 2 has ended");
  }

  @Test
  void aHoleAboveTheLastSnapshotWaitsForASnapshotOfItsOwn() {
    OrderingGaps gaps = new OrderingGaps(0, 1_000);
    gaps.scanned(List.of(1L, 3L));
    gaps.endRound();
    gaps.scanned(List.of(3L));
    gaps.transactionsInProgress(Set.of("a"));
    gaps.endRound();
    gaps.scanned(List.of(3L, 5L));
    gaps.transactionsInProgress(Set.of("a", "b"));
    gaps.endRound();
    gaps.scanned(List.of(3L, 5L));
    gaps.transactionsInProgress(Set.of("b"));
    assertEquals(3, gaps.max(), "ordering 2 is final, ordering 4 was seen after b began");
    gaps.endRound();
    gaps.scanned(List.of(5L));
    gaps.transactionsInProgress(Set.of("c"));
    assertEquals(5, gaps.max());
  }

  @Test
  void withNoTransactionInProgressAHoleThatOutlivedARoundIsFinalAtOnce() {
    OrderingGaps gaps = new OrderingGaps(0, 1_000);
    gaps.scanned(List.of(1L, 3L));
    gaps.endRound();
    gaps.scanned(List.of(3L));
    gaps.transactionsInProgress(Set.of());
    assertEquals(3, gaps.max());
    assertFalse(gaps.wantsTransactions());
  }

  @Test
  void theHighestOrderingAtStartUpIsFinalOnceTheTransactionsThenInProgressHaveEnded() {
    OrderingGaps gaps = new OrderingGaps(0, 1_000);
    gaps.startedWith(9, Set.of("2/5"));
    gaps.scanned(List.of(1L, 2L, 4L));
    assertEquals(2, gaps.max());
    assertTrue(gaps.wantsTransactions(), "the start-up snapshot waits for 2/5");
    gaps.transactionsInProgress(Set.of("2/5"));
    assertEquals(2, gaps.max());
    gaps.endRound();
    gaps.scanned(List.of(4L));
    gaps.transactionsInProgress(Set.of("3/1"));
    assertEquals(9, gaps.max(), "orderings up to 9 are settled without being read");
  }

  @Test
  void theHighestOrderingAtStartUpIsFinalAfterTheBoundWhateverRuns() {
    OrderingGaps gaps = new OrderingGaps(0, 2);
    gaps.finalAfterMaxTries(9);
    gaps.startedWith(9, Set.of("2/5"));
    gaps.scanned(List.of(1L, 3L));
    gaps.transactionsInProgress(Set.of("2/5"));
    gaps.endRound();
    assertEquals(1, gaps.max());
    gaps.scanned(List.of(3L));
    gaps.transactionsInProgress(Set.of("2/5"));
    gaps.endRound();
    assertEquals(9, gaps.max(), "the plugin's own start-up assumption, after max-tries rounds");
  }

  @Test
  void aPageReadBeforeTheMaximumMovedChangesNothingBelowIt() {
    OrderingGaps gaps = new OrderingGaps(0, 1_000);
    gaps.finalThrough(10);
    gaps.scanned(List.of(1L, 2L, 5L, 11L, 12L));
    assertEquals(12, gaps.max());
  }
}
