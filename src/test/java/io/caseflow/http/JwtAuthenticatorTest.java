package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.caseflow.cases.Principal;
import io.caseflow.testing.TestIssuer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signed JWTs against an issuer run by the test: the tokens a real issuer would mint are accepted
 * and mapped to principals; every forged, altered, stale or misaddressed one is refused.
 */
class JwtAuthenticatorTest {

  private final TestIssuer issuer = new TestIssuer();
  private final Authenticator jwt = verifiedHere(settings("sub", "tenant", "roles", Map.of()));

  /** Verifies on the calling thread, as {@link Authenticator#authenticate} does anyway. */
  private static Authenticator verifiedHere(JwtSettings settings) {
    return Authenticator.jwt(settings, Runnable::run);
  }

  @AfterEach
  void stopIssuer() {
    issuer.close();
  }

  @Test
  void acceptsTokensSignedWithEachDefaultAlgorithm() {
    for (JWSAlgorithm algorithm :
        List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA)) {
      String token =
          issuer.sign(issuer.validClaims("alice", "acme", List.of("analyst")).build(), algorithm);
      assertEquals(
          Optional.of(new Principal("alice", "acme", Set.of("analyst"))),
          jwt.authenticate(token),
          algorithm.getName());
    }
  }

  @Test
  void refusesForgedAlteredStaleAndMisaddressedTokens() throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet valid = issuer.validClaims("alice", "acme", List.of("analyst")).build();
    String good = issuer.sign(valid, JWSAlgorithm.RS256);
    String[] parts = good.split("\\.");
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-published").generate();
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(issuer.rsa().getKeyID()).generate();
    JWSHeader es256 = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build();

    Map<String, String> attacks =
        Map.ofEntries(
            Map.entry("alg none", new PlainJWT(valid).serialize()),
            Map.entry("HS256 keyed with the issuer's RSA public key", hmacWithPublicKey(valid)),
            Map.entry(
                "unknown kid",
                issuer.sign(
                    valid,
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("not-published").build(),
                    stranger)),
            Map.entry(
                "another key under a key id of the issuer",
                issuer.sign(
                    valid,
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(impostor.getKeyID()).build(),
                    impostor)),
            Map.entry(
                "expired",
                issuer.sign(
                    issuer
                        .validClaims("alice", "acme", List.of())
                        .expirationTime(Date.from(now.minusSeconds(600)))
                        .build(),
                    JWSAlgorithm.RS256)),
            Map.entry(
                "not valid yet",
                issuer.sign(
                    issuer
                        .validClaims("alice", "acme", List.of())
                        .notBeforeTime(Date.from(now.plusSeconds(600)))
                        .build(),
                    JWSAlgorithm.RS256)),
            Map.entry(
                "another issuer",
                issuer.sign(
                    issuer
                        .validClaims("alice", "acme", List.of())
                        .issuer("https://evil.example")
                        .build(),
                    JWSAlgorithm.RS256)),
            Map.entry(
                "another audience",
                issuer.sign(
                    issuer
                        .validClaims("alice", "acme", List.of())
                        .audience("other-service")
                        .build(),
                    JWSAlgorithm.RS256)),
            Map.entry(
                "payload changed after signing",
                parts[0]
                    + "."
                    + Base64URL.encode(
                        issuer.validClaims("alice", "acme", List.of("admin")).build().toString())
                    + "."
                    + parts[2]),
            Map.entry("signature removed", parts[0] + "." + parts[1] + "."),
            Map.entry(
                "ECDSA signature of zeros",
                es256.toBase64URL() + "." + parts[1] + "." + Base64URL.encode(new byte[64])),
            Map.entry(
                "over 16 KiB",
                issuer.sign(
                    issuer
                        .validClaims("alice", "acme", List.of())
                        .claim("padding", "x".repeat(JwtAuthenticator.MAX_TOKEN_LENGTH))
                        .build(),
                    JWSAlgorithm.RS256)),
            Map.entry(
                "no tenant claim",
                issuer.sign(
                    issuer.validClaims("alice", "acme", List.of()).claim("tenant", null).build(),
                    JWSAlgorithm.RS256)),
            Map.entry(
                "no subject",
                issuer.sign(
                    issuer.validClaims("alice", "acme", List.of()).subject(null).build(),
                    JWSAlgorithm.RS256)),
            Map.entry(
                "typ of another kind of token",
                issuer.sign(
                    valid,
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(issuer.rsa().getKeyID())
                        .type(new JOSEObjectType("logout+jwt"))
                        .build(),
                    issuer.rsa())),
            Map.entry("not a JWT at all", "demo-alice"));

    assertEquals(Optional.of("alice"), jwt.authenticate(good).map(Principal::userId));
    attacks.forEach(
        (attack, token) -> assertEquals(Optional.empty(), jwt.authenticate(token), attack));
  }

  @Test
  void mapsKeycloakShapedTokens() {
    Authenticator keycloak =
        verifiedHere(
            settings(
                "preferred_username",
                "tenant",
                "realm_access.roles",
                Map.of("caseflow-reviewer", "reviewer")));
    String token =
        issuer.sign(
            issuer
                .validClaims("kc-uuid", "acme", List.of())
                .claim("preferred_username", "bob")
                .claim(
                    "realm_access", Map.of("roles", List.of("caseflow-reviewer", "offline_access")))
                .build(),
            JWSAlgorithm.RS256);
    assertEquals(
        Optional.of(new Principal("bob", "acme", Set.of("reviewer", "offline_access"))),
        keycloak.authenticate(token));
  }

  @Test
  void readsTheUserAndTenantFromNestedClaimsToo() {
    Authenticator nested =
        verifiedHere(settings("account.user", "account.tenant", "roles", Map.of()));
    String token =
        issuer.sign(
            issuer
                .validClaims("ignored", "ignored", List.of("analyst"))
                .claim("account", Map.of("user", "erin", "tenant", "acme"))
                .build(),
            JWSAlgorithm.RS256);
    assertEquals(
        Optional.of(new Principal("erin", "acme", Set.of("analyst"))), nested.authenticate(token));
    String withoutExpiry =
        issuer.sign(
            issuer.validClaims("erin", "acme", List.of()).expirationTime(null).build(),
            JWSAlgorithm.RS256);
    assertEquals(Optional.empty(), jwt.authenticate(withoutExpiry), "exp is required");
  }

  @Test
  void mapsEntraAndAuth0ShapedTokens() {
    Authenticator entra =
        verifiedHere(settings("oid", "tid", "roles", Map.of("Caseflow.Analyst", "analyst")));
    String entraToken =
        issuer.sign(
            issuer
                .validClaims("pairwise-sub", "ignored", List.of("Caseflow.Analyst"))
                .claim("oid", "5f0c-user")
                .claim("tid", "9b1d-tenant")
                .build(),
            JWSAlgorithm.RS256);
    assertEquals(
        Optional.of(new Principal("5f0c-user", "9b1d-tenant", Set.of("analyst"))),
        entra.authenticate(entraToken));

    Authenticator auth0 =
        verifiedHere(
            settings(
                "sub",
                "https://caseflow.example/tenant",
                "https://caseflow.example/roles",
                Map.of()));
    String auth0Token =
        issuer.sign(
            issuer
                .validClaims("auth0|42", "ignored", List.of())
                .claim("https://caseflow.example/tenant", "acme")
                .claim("https://caseflow.example/roles", List.of("admin"))
                .build(),
            JWSAlgorithm.RS256);
    assertEquals(
        Optional.of(new Principal("auth0|42", "acme", Set.of("admin"))),
        auth0.authenticate(auth0Token));
  }

  @Test
  void followsAKeyRotationAndSurvivesAKeySetOutage() throws Exception {
    String before = issuer.token("alice", "acme", "analyst");
    assertTrue(jwt.authenticate(before).isPresent());
    int fetches = issuer.keySetFetches();

    issuer.rotate();
    String after = issuer.token("alice", "acme", "analyst");
    assertTrue(jwt.authenticate(after).isPresent(), "a token of the new key, after a refetch");
    assertTrue(issuer.keySetFetches() > fetches, "the unknown kid made the key set be fetched");

    issuer.keySetAvailable(false);
    assertTrue(jwt.authenticate(after).isPresent(), "cached keys keep working during an outage");
    int duringOutage = issuer.keySetFetches();
    assertEquals(
        Optional.empty(),
        jwt.authenticate(issuer.tokenWithUnknownKeyId()),
        "an unknown kid is refused once the refetch failed, not held");
    assertTrue(issuer.keySetFetches() > duringOutage, "the refetch was tried");
    assertTrue(
        jwt.authenticate(after).isPresent(), "a failed refetch keeps the cached keys, not none");
    assertTrue(
        jwt.authenticate(
                issuer.sign(
                    issuer.validClaims("bob", "acme", List.of()).build(), JWSAlgorithm.ES256))
            .isPresent(),
        "every cached key keeps working");
  }

  /**
   * The attack of the issue: junk key ids spend the refetch a rotation needs. A token of the
   * rotated key that comes right after such a flood must still be taken at its first try: it waits
   * for the next fetch the rate limit allows instead of being refused.
   */
  @Test
  void aRotationRightAfterAFloodOfUnknownKeyIdsIsTakenOnItsFirstToken() throws Exception {
    assertTrue(jwt.authenticate(issuer.token("alice", "acme", "analyst")).isPresent());
    List<CompletableFuture<Optional<Principal>>> flood = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      flood.add(jwt.authenticateAsync(issuer.tokenWithUnknownKeyId()).toCompletableFuture());
    }
    for (CompletableFuture<Optional<Principal>> junk : flood) {
      assertEquals(Optional.empty(), junk.get(30, TimeUnit.SECONDS));
    }

    issuer.rotate();
    assertEquals(
        Optional.of(new Principal("alice", "acme", Set.of("analyst"))),
        jwt.authenticate(issuer.token("alice", "acme", "analyst")),
        "the first token of the rotated key");
  }

  /**
   * While junk key ids keep coming, from several threads: the key set is fetched at most once a
   * second (counted by the issuer), tokens of cached keys never wait for a fetch, and a rotation in
   * the middle of the flood is taken by its first token.
   */
  @Test
  void aFloodOfUnknownKeyIdsCostsAtMostOneFetchASecondAndHoldsNoKnownKey() throws Exception {
    String known =
        issuer.sign(issuer.validClaims("bob", "acme", List.of()).build(), JWSAlgorithm.ES256);
    assertTrue(jwt.authenticate(known).isPresent());
    int fetchesBefore = issuer.keySetFetches();
    long start = System.nanoTime();

    AtomicBoolean flooding = new AtomicBoolean(true);
    ConcurrentLinkedQueue<CompletableFuture<Optional<Principal>>> flood =
        new ConcurrentLinkedQueue<>();
    List<Thread> attackers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread attacker =
          new Thread(
              () -> {
                while (flooding.get()) {
                  flood.add(
                      jwt.authenticateAsync(issuer.tokenWithUnknownKeyId()).toCompletableFuture());
                  sleepMillis(1);
                }
              });
      attacker.start();
      attackers.add(attacker);
    }
    try {
      for (int round = 0; round < 200; round++) {
        if (round == 100) {
          issuer.rotate();
          assertEquals(
              Optional.of("alice"),
              jwt.authenticate(issuer.token("alice", "acme", "analyst")).map(Principal::userId),
              "the first token of a key rotated during the flood");
        }
        // verified on the calling thread: done on return means it waited for no fetch
        CompletableFuture<Optional<Principal>> check =
            jwt.authenticateAsync(known).toCompletableFuture();
        assertTrue(check.isDone(), "a token of a cached key waits for no fetch");
        assertEquals(Optional.of("bob"), check.join().map(Principal::userId));
        sleepMillis(10);
      }
    } finally {
      flooding.set(false);
      for (Thread attacker : attackers) {
        attacker.join();
      }
    }
    for (CompletableFuture<Optional<Principal>> junk : flood) {
      assertEquals(Optional.empty(), junk.get(30, TimeUnit.SECONDS));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int fetches = issuer.keySetFetches() - fetchesBefore;
    assertTrue(
        fetches <= seconds + 1,
        fetches + " key set fetches in " + seconds + " s of " + flood.size() + " junk tokens");
    assertTrue(fetches >= 2, "unknown key ids did make the key set be fetched: " + fetches);
  }

  @Test
  void anIssuerWhoseKeySetIsDownAtFirstIsTakenOnceItAnswers() {
    issuer.keySetAvailable(false);
    assertEquals(Optional.empty(), jwt.authenticate(issuer.token("alice", "acme")));
    issuer.keySetAvailable(true);
    assertTrue(jwt.authenticate(issuer.token("alice", "acme")).isPresent());
  }

  @Test
  void refusesEdDSAOfAnotherKeyAndWhereItIsNotAllowed() throws Exception {
    JWTClaimsSet valid = issuer.validClaims("alice", "acme", List.of("analyst")).build();
    String good = issuer.sign(valid, JWSAlgorithm.EdDSA);
    assertEquals(Optional.of("alice"), jwt.authenticate(good).map(Principal::userId));

    OctetKeyPair impostor =
        new OctetKeyPairGenerator(Curve.Ed25519).keyID(issuer.ed25519().getKeyID()).generate();
    assertEquals(
        Optional.empty(),
        jwt.authenticate(
            issuer.sign(
                valid,
                new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                    .keyID(impostor.getKeyID())
                    .type(JOSEObjectType.JWT)
                    .build(),
                impostor)),
        "another Ed25519 key under the issuer's key id");
    assertEquals(
        Optional.empty(),
        jwt.authenticate(
            issuer.sign(
                valid,
                new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                    .keyID(issuer.rsa().getKeyID())
                    .type(JOSEObjectType.JWT)
                    .build(),
                issuer.ed25519())),
        "EdDSA under the key id of the issuer's RSA key");

    Authenticator withoutEdDSA =
        verifiedHere(
            new JwtSettings(
                URI.create(issuer.issuer()),
                Optional.empty(),
                TestIssuer.AUDIENCE,
                List.of("RS256", "PS256", "ES256"),
                Duration.ofSeconds(60),
                "sub",
                "tenant",
                "roles",
                Map.of()));
    assertTrue(withoutEdDSA.authenticate(issuer.token("alice", "acme")).isPresent());
    assertEquals(Optional.empty(), withoutEdDSA.authenticate(good), "EdDSA is not allowed there");
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anUnreachableIssuerRefusesTokensWithoutFailing() {
    issuer.close();
    assertEquals(Optional.empty(), jwt.authenticate(issuer.token("alice", "acme")));
  }

  private JwtSettings settings(
      String userClaim, String tenantClaim, String rolesClaim, Map<String, String> roleMapping) {
    return new JwtSettings(
        URI.create(issuer.issuer()),
        Optional.empty(),
        TestIssuer.AUDIENCE,
        List.of("RS256", "PS256", "ES256", "EdDSA"),
        Duration.ofSeconds(60),
        userClaim,
        tenantClaim,
        rolesClaim,
        roleMapping);
  }

  private String hmacWithPublicKey(JWTClaimsSet claims) throws Exception {
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuer.rsa().getKeyID()).build(),
            claims);
    forged.sign(new MACSigner(issuer.rsa().toRSAPublicKey().getEncoded()));
    return forged.serialize();
  }
}
