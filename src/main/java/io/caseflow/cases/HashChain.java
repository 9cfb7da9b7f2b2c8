package io.caseflow.cases;

import java.util.List;
import java.util.OptionalLong;

/**
 * The per-case hash chain. An event's hash is SHA-256 over a canonical encoding of its content,
 * {@code prevHash} included (the first event's is {@link #GENESIS}); the event records which
 * version of the encoding ({@link HashEncoding}). Neither encoding covers the {@code traceparent}
 * metadata, so tracing on or off never changes a chain.
 */
public final class HashChain {

  public static final String GENESIS = "0".repeat(64);

  private HashChain() {}

  /** The event with its hash filled in. */
  @SuppressWarnings("unchecked")
  public static <E extends CaseEvent> E seal(E event) {
    return (E) event.withHash(hashOf(event));
  }

  /**
   * The hash of the event under the encoding it names.
   *
   * @throws IllegalArgumentException when it names an encoding this build does not know
   */
  public static String hashOf(CaseEvent event) {
    return HashEncoding.of(event.hashVersion()).hash(event);
  }

  /** Whether the event's recorded hash is the hash of its content. */
  public static boolean holds(CaseEvent event) {
    try {
      return hashOf(event).equals(event.hash());
    } catch (IllegalArgumentException unknownEncoding) {
      return false;
    }
  }

  /**
   * The sequence number of the first event that breaks the chain (wrong position, wrong link, or a
   * hash that does not match its content), or empty when the whole history verifies.
   */
  public static OptionalLong firstBrokenSeq(List<? extends CaseEvent> history) {
    String expectedPrev = GENESIS;
    long expectedSeq = 1;
    for (CaseEvent event : history) {
      if (event.seq() != expectedSeq || !expectedPrev.equals(event.prevHash()) || !holds(event)) {
        return OptionalLong.of(expectedSeq);
      }
      expectedPrev = event.hash();
      expectedSeq++;
    }
    return OptionalLong.empty();
  }
}
