package io.caseflow.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSKeySelector;
import java.security.Key;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of the issuer's key set (handed in per token, as the security context) that may have
 * signed a token: for an allowed algorithm, of the key type, key id, use, algorithm and curve its
 * header calls for (nimbus's {@link JWKMatcher#forJWSHeader}), public parts only. Like nimbus's
 * {@code JWSVerificationKeySelector}, except that it hands Ed25519 keys on too: that one (10.10)
 * converts its matches with {@code KeyConverter.toJavaKeys}, which drops octet key pairs (they have
 * no {@code java.security} form), so every EdDSA token would find no key.
 */
final class IssuerKeySelector implements JWSKeySelector<JWKSecurityContext> {

  /**
   * An Ed25519 public key of the issuer, in the {@link Key} shape nimbus's processor passes from
   * selector to verifier factory; only {@link IssuerVerifierFactory} reads it.
   */
  record Ed25519PublicKey(OctetKeyPair jwk) implements PublicKey {

    @Override
    public String getAlgorithm() {
      return "Ed25519";
    }

    /** No encoded form: the key is only ever handed to nimbus's Ed25519 verifier. */
    @Override
    public String getFormat() {
      return null;
    }

    @Override
    public byte[] getEncoded() {
      return null;
    }
  }

  private final Set<JWSAlgorithm> allowed;

  IssuerKeySelector(Set<JWSAlgorithm> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** Whether {@code keys} hold a key that may have signed a token with this header. */
  static boolean holdsKeyFor(JWSHeader header, JWKSet keys) {
    return !matching(header, keys.getKeys()).isEmpty();
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, JWKSecurityContext keys) {
    if (!allowed.contains(header.getAlgorithm())) {
      return List.of();
    }
    return matching(header, keys.getKeys()).stream()
        .map(IssuerKeySelector::publicKey)
        .flatMap(Optional::stream)
        .toList();
  }

  private static List<JWK> matching(JWSHeader header, List<JWK> keys) {
    JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
    if (matcher == null) {
      return List.of();
    }
    return new JWKSelector(matcher)
        .select(new JWKSet(keys)).stream()
            // Ed448 matches EdDSA too, but nimbus has no verifier for it
            .filter(
                key -> !(key instanceof OctetKeyPair okp) || Curve.Ed25519.equals(okp.getCurve()))
            .toList();
  }

  private static Optional<Key> publicKey(JWK key) {
    try {
      if (key instanceof RSAKey rsa) {
        return Optional.of(rsa.toRSAPublicKey());
      }
      if (key instanceof ECKey ec) {
        return Optional.of(ec.toECPublicKey());
      }
      if (key instanceof OctetKeyPair okp) {
        return Optional.of(new Ed25519PublicKey(okp.toPublicJWK()));
      }
    } catch (JOSEException e) {
      // a key that cannot be used is no candidate, as in nimbus's own selector
    }
    return Optional.empty();
  }
}
