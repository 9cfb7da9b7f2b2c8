package io.caseflow.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
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
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256)) {
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
        List.of("RS256", "PS256", "ES256"),
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
