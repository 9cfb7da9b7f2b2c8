package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.caseflow.testing.Eventually;
import io.caseflow.testing.TestIssuer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The key set held for an issuer, fetched from an issuer run by the test. */
class IssuerKeysTest {

  private final TestIssuer issuer = new TestIssuer();

  @AfterEach
  void stopIssuer() {
    issuer.close();
  }

  private IssuerKeys keysOf(Executor fetching, Duration refreshAfter) {
    return new IssuerKeys(
        issuer.issuer(),
        () -> JWKSet.load(URI.create(issuer.issuer() + "/keys").toURL()),
        fetching,
        refreshAfter);
  }

  /**
   * Fetches run on an executor the test drives by hand, so what shares a fetch is not left to
   * timing: every ask made before a fetch starts shares it, and an ask made after it started gets a
   * fetch of its own.
   */
  @Test
  void asksMadeBeforeAFetchStartsShareIt() throws Exception {
    ConcurrentLinkedQueue<Runnable> due = new ConcurrentLinkedQueue<>();
    IssuerKeys keys = keysOf(due::add, IssuerKeys.REFRESH_AFTER);

    List<CompletableFuture<JWKSet>> asks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      asks.add(keys.fetchedAfterNow().toCompletableFuture());
    }
    Runnable first = awaitDue(due);
    asks.add(keys.fetchedAfterNow().toCompletableFuture());
    assertTrue(asks.stream().noneMatch(CompletableFuture::isDone), "nothing fetched yet");
    first.run();
    for (CompletableFuture<JWKSet> ask : asks) {
      assertNotNull(ask.get(30, TimeUnit.SECONDS).getKeyByKeyId(issuer.rsa().getKeyID()));
    }
    assertEquals(1, issuer.keySetFetches(), "51 asks, one fetch");
    assertTrue(due.isEmpty(), "no further fetch was asked for");

    issuer.rotate();
    CompletableFuture<JWKSet> afterTheFetch = keys.fetchedAfterNow().toCompletableFuture();
    assertFalse(afterTheFetch.isDone(), "the fetch done before does not answer a later ask");
    awaitDue(due).run();
    assertNotNull(
        afterTheFetch.get(30, TimeUnit.SECONDS).getKeyByKeyId(issuer.rsa().getKeyID()),
        "a fetch that started after the ask, with the rotated key");
    assertEquals(2, issuer.keySetFetches());
  }

  /**
   * A fetch under way may have been answered before the issuer rotated: an ask made while it runs
   * waits for the next one, which has the new key.
   */
  @Test
  void anAskMadeWhileAFetchRunsWaitsForTheNextOne() throws Exception {
    AtomicReference<IssuerKeys> keys = new AtomicReference<>();
    AtomicReference<CompletableFuture<JWKSet>> askedMeanwhile = new AtomicReference<>();
    keys.set(
        new IssuerKeys(
            issuer.issuer(),
            () -> {
              JWKSet answered = JWKSet.load(URI.create(issuer.issuer() + "/keys").toURL());
              if (askedMeanwhile.get() == null) {
                issuer.rotate();
                askedMeanwhile.set(keys.get().fetchedAfterNow().toCompletableFuture());
              }
              return answered;
            },
            Runnable::run,
            IssuerKeys.REFRESH_AFTER));
    String before = issuer.rsa().getKeyID();

    JWKSet first = keys.get().fetchedAfterNow().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertNotNull(first.getKeyByKeyId(before), "answered before the rotation");
    JWKSet next = askedMeanwhile.get().get(30, TimeUnit.SECONDS);
    assertNotNull(next.getKeyByKeyId(issuer.rsa().getKeyID()), "the next fetch has the new key");
    assertNull(next.getKeyByKeyId(before));
    assertEquals(2, issuer.keySetFetches());
  }

  /** A key the issuer no longer publishes stops being held once the set is old enough. */
  @Test
  void aKeyTheIssuerWithdrawsIsDroppedWhenTheSetIsFetchedAgain() throws Exception {
    IssuerKeys keys = keysOf(Runnable::run, Duration.ofMillis(100));
    String withdrawn = issuer.rsa().getKeyID();
    assertNotNull(
        keys.fetchedAfterNow()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .getKeyByKeyId(withdrawn));

    issuer.rotate();
    Eventually.awaitTrue(
        "the withdrawn key is dropped",
        Duration.ofSeconds(30),
        () -> keys.held().getKeyByKeyId(withdrawn) == null);
    assertNull(keys.held().getKeyByKeyId(withdrawn));
    assertNotNull(keys.held().getKeyByKeyId(issuer.rsa().getKeyID()), "the new key is held");
  }

  private static Runnable awaitDue(ConcurrentLinkedQueue<Runnable> due) throws Exception {
    return Eventually.await(
        "a fetch is started", Duration.ofSeconds(30), () -> Optional.ofNullable(due.poll()));
  }
}
