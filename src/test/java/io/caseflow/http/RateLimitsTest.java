package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caseflow.cases.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each client spends its own budget; past it, it is told to wait, and nobody else is. */
class RateLimitsTest {

  private static final Principal ALICE = new Principal("alice", "acme", Set.of("analyst"));
  private static final Principal BOB = new Principal("bob", "acme", Set.of("reviewer"));
  private static final Principal DAVE = new Principal("dave", "globex", Set.of("analyst"));

  private final RateLimits limits =
      new RateLimits(new RateLimitSettings(true, 3, 5, 4, 100, 2, 2, 3));

  @Test
  void aPrincipalPastItsBudgetWaitsWhileAnotherGoesOn() {
    IntStream.range(0, 3)
        .forEach(i -> assertEquals(Optional.empty(), limits.request(ALICE, false)));
    Optional<RateLimits.Limited> limited = limits.request(ALICE, false);
    assertTrue(limited.isPresent(), "the fourth command in a second");
    assertTrue(limited.get().retryAfterSeconds() >= 1);
    assertEquals(Optional.empty(), limits.request(ALICE, true), "queries have their own budget");
    assertEquals(Optional.empty(), limits.request(DAVE, false), "another tenant's principal");
  }

  @Test
  void aTenantHasABudgetOfItsOwn() {
    IntStream.range(0, 3)
        .forEach(i -> assertEquals(Optional.empty(), limits.request(ALICE, false)));
    assertEquals(Optional.empty(), limits.request(BOB, false), "the tenant's fourth");
    assertTrue(limits.request(BOB, false).isPresent(), "the tenant's fifth command");
  }

  @Test
  void anAddressWithRefusedTokensIsStoppedBeforeVerification() {
    assertEquals(Optional.empty(), limits.unauthenticatedBlocked("203.0.113.9"));
    limits.unauthenticated("203.0.113.9");
    limits.unauthenticated("203.0.113.9");
    assertTrue(limits.unauthenticatedBlocked("203.0.113.9").isPresent());
    assertEquals(Optional.empty(), limits.unauthenticatedBlocked("198.51.100.7"));
  }

  @Test
  void liveStreamsAreCappedPerPrincipalAndNode() {
    Runnable first = limits.openStream(ALICE).orElseThrow();
    limits.openStream(ALICE).orElseThrow();
    assertEquals(Optional.empty(), limits.openStream(ALICE), "alice's third");
    limits.openStream(BOB).orElseThrow();
    assertEquals(Optional.empty(), limits.openStream(DAVE), "the node's fourth");
    first.run();
    assertTrue(limits.openStream(DAVE).isPresent(), "a closed stream frees its permit");
  }

  @Test
  void offMeansOff() {
    RateLimits off = new RateLimits(new RateLimitSettings(false, 1, 1, 1, 1, 1, 1, 1));
    IntStream.range(0, 10).forEach(i -> assertEquals(Optional.empty(), off.request(ALICE, false)));
    IntStream.range(0, 10).forEach(i -> off.unauthenticated("203.0.113.9"));
    assertEquals(Optional.empty(), off.unauthenticatedBlocked("203.0.113.9"));
    IntStream.range(0, 10).forEach(i -> assertTrue(off.openStream(ALICE).isPresent()));
  }
}
