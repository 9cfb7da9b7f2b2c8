package io.caseflow.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How signed JWTs from the customer's OpenID issuer are checked and turned into principals. The
 * signing keys come from {@code jwksUrl}, or from the issuer's discovery document when it is empty.
 * {@code roleMapping} renames the issuer's role names to Caseflow's; names it does not list are
 * taken as they are.
 */
public record JwtSettings(
    URI issuer,
    Optional<URI> jwksUrl,
    String audience,
    List<String> algorithms,
    Duration clockSkew,
    String userClaim,
    String tenantClaim,
    String rolesClaim,
    Map<String, String> roleMapping) {

  /**
   * The asymmetric JWS algorithms a deployment may allow; {@code none} and HMAC never. EdDSA is not
   * offered: nimbus-jose-jwt 10.10's key selection hands only RSA and EC keys to its verifiers, so
   * an Ed25519 key set would refuse every token.
   */
  public static final Set<String> ALLOWED_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

  public JwtSettings {
    algorithms = List.copyOf(algorithms);
    roleMapping = Map.copyOf(roleMapping);
  }
}
