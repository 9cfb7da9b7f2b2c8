package io.caseflow.cases;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The per-case hash chain. An event's hash is SHA-256 over the canonical JSON of its type and every
 * field but {@code hash} itself and the {@code traceparent} metadata, which includes {@code
 * prevHash}; the first event's {@code prevHash} is {@link #GENESIS}. Leaving the trace out keeps
 * the hashes of events written before events carried one.
 */
public final class HashChain {

  public static final String GENESIS = "0".repeat(64);

  private HashChain() {}

  /** The event with its hash filled in. */
  @SuppressWarnings("unchecked")
  public static <E extends CaseEvent> E seal(E event) {
    return (E) event.withHash(hashOf(event));
  }

  public static String hashOf(CaseEvent event) {
    Map<String, Object> fields = CanonicalJson.fieldsOf(event);
    fields.remove("hash");
    fields.remove("traceparent");
    fields.put("type", event.getClass().getSimpleName());
    return CanonicalJson.sha256(fields);
  }

  /**
   * The sequence number of the first event that breaks the chain (wrong position, wrong link, or a
   * hash that does not match its content), or empty when the whole history verifies.
   */
  public static OptionalLong firstBrokenSeq(List<? extends CaseEvent> history) {
    String expectedPrev = GENESIS;
    long expectedSeq = 1;
    for (CaseEvent event : history) {
      if (event.seq() != expectedSeq
          || !expectedPrev.equals(event.prevHash())
          || !hashOf(event).equals(event.hash())) {
        return OptionalLong.of(expectedSeq);
      }
      expectedPrev = event.hash();
      expectedSeq++;
    }
    return OptionalLong.empty();
  }
}
