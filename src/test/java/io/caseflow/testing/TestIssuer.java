package io.caseflow.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID issuer for tests, on a loopback port: its discovery document and a key set with an RSA,
 * an EC and an Ed25519 key generated here, which it signs tokens with. It counts the fetches of its
 * key set; its RSA key can be rotated, and its key set can be made unavailable, to test what a
 * client of a real issuer lives through.
 */
public final class TestIssuer implements AutoCloseable {

  public static final String AUDIENCE = "caseflow";

  private final HttpServer server;
  private final AtomicInteger keySetFetches = new AtomicInteger();
  private final AtomicInteger rotations = new AtomicInteger();
  private final ECKey ec;
  private final OctetKeyPair ed25519;
  private volatile RSAKey rsa;
  private volatile boolean keySetAvailable = true;

  public TestIssuer() {
    try {
      rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
      ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
      ed25519 = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate();
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/.well-known/openid-configuration", this::discovery);
    server.createContext("/keys", this::keys);
    server.start();
  }

  public String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The settings that make a Caseflow node trust this issuer (HOCON paths). */
  public Map<String, Object> settings() {
    return Map.of("caseflow.auth.jwt.issuer", issuer(), "caseflow.auth.jwt.audience", AUDIENCE);
  }

  public RSAKey rsa() {
    return rsa;
  }

  public ECKey ec() {
    return ec;
  }

  public OctetKeyPair ed25519() {
    return ed25519;
  }

  /** Replaces the RSA key by a new one with a new key id; the old one is no longer published. */
  public RSAKey rotate() throws JOSEException {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-" + (rotations.incrementAndGet() + 1)).generate();
    return rsa;
  }

  /** While off, the key set answers 503, as an issuer in an outage. */
  public void keySetAvailable(boolean available) {
    keySetAvailable = available;
  }

  public int keySetFetches() {
    return keySetFetches.get();
  }

  /** Claims that pass every check: this issuer, the audience, valid for the next five minutes. */
  public JWTClaimsSet.Builder validClaims(String user, String tenant, List<String> roles) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer())
        .audience(AUDIENCE)
        .subject(user)
        .claim("tenant", tenant)
        .claim("roles", roles)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now.minusSeconds(5)))
        .expirationTime(Date.from(now.plusSeconds(300)));
  }

  /** A token for {@code user} of {@code tenant} with {@code roles}, signed RS256. */
  public String token(String user, String tenant, String... roles) {
    return sign(validClaims(user, tenant, List.of(roles)).build(), JWSAlgorithm.RS256);
  }

  /**
   * A token as an attacker floods with: valid claims under a key id this issuer never published (a
   * new one each time), and a signature of random bytes. Cheap to make, so a test can send
   * thousands.
   */
  public String tokenWithUnknownKeyId() {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID("junk-" + UUID.randomUUID())
            .type(JOSEObjectType.JWT)
            .build();
    return header.toBase64URL()
        + "."
        + Base64URL.encode(validClaims("mallory", "acme", List.of("admin")).build().toString())
        + "."
        + Base64URL.encode(UUID.randomUUID().toString().repeat(8));
  }

  /** The claims signed with the key that fits {@code algorithm}, with {@code typ} JWT. */
  public String sign(JWTClaimsSet claims, JWSAlgorithm algorithm) {
    JWK key = keyFor(algorithm);
    return sign(
        claims,
        new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        key);
  }

  public String sign(JWTClaimsSet claims, JWSHeader header, JWK key) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signerFor(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private JWK keyFor(JWSAlgorithm algorithm) {
    if (JWSAlgorithm.Family.EC.contains(algorithm)) {
      return ec;
    }
    if (JWSAlgorithm.Family.ED.contains(algorithm)) {
      return ed25519;
    }
    return rsa;
  }

  private static JWSSigner signerFor(JWK key) throws JOSEException {
    if (key instanceof ECKey ecKey) {
      return new ECDSASigner(ecKey);
    }
    if (key instanceof OctetKeyPair okp) {
      return new Ed25519Signer(okp);
    }
    return new RSASSASigner((RSAKey) key);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void discovery(HttpExchange exchange) throws IOException {
    answer(
        exchange, 200, "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/keys\"}");
  }

  private void keys(HttpExchange exchange) throws IOException {
    keySetFetches.incrementAndGet();
    if (!keySetAvailable) {
      answer(exchange, 503, "{}");
      return;
    }
    List<JWK> published = new ArrayList<>(List.of(rsa, ec, ed25519));
    answer(exchange, 200, new JWKSet(published).toPublicJWKSet().toString());
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
