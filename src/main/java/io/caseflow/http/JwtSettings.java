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
   * The asymmetric JWS algorithms a deployment may allow; {@code none} and HMAC never. EdDSA is
   * verified with Ed25519 keys only (nimbus-jose-jwt has no Ed448 verifier), through Caseflow's own
   * key selector, since nimbus 10.10's hands only RSA and EC keys to its verifiers.
   */
  public static final Set<String> ALLOWED_ALGORITHMS =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

  public JwtSettings {
    algorithms = List.copyOf(algorithms);
    roleMapping = Map.copyOf(roleMapping);
  }
}
