package io.caseflow.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeyTypeException;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import java.security.Key;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifiers for the keys {@link IssuerKeySelector} hands on: nimbus's {@link Ed25519Verifier} (on
 * Google Tink) for EdDSA, which nimbus's {@link DefaultJWSVerifierFactory} (10.10) does not make;
 * that one for RSA and EC. Either refuses a key of another type than the token's algorithm needs.
 */
final class IssuerVerifierFactory implements JWSVerifierFactory {

  private final DefaultJWSVerifierFactory rsaAndEc = new DefaultJWSVerifierFactory();

  @Override
  public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
    if (!Ed25519Verifier.SUPPORTED_ALGORITHMS.contains(header.getAlgorithm())) {
      return rsaAndEc.createJWSVerifier(header, key);
    }
    if (!(key instanceof IssuerKeySelector.Ed25519PublicKey ed25519)) {
      throw new KeyTypeException(IssuerKeySelector.Ed25519PublicKey.class);
    }
    return new Ed25519Verifier(ed25519.jwk());
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    Set<JWSAlgorithm> supported = new HashSet<>(rsaAndEc.supportedJWSAlgorithms());
    supported.addAll(Ed25519Verifier.SUPPORTED_ALGORITHMS);
    return supported;
  }

  @Override
  public JCAContext getJCAContext() {
    return rsaAndEc.getJCAContext();
  }
}
