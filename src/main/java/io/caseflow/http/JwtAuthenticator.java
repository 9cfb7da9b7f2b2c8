package io.caseflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.caseflow.cases.Principal;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Principals from signed JWTs of the customer's OpenID issuer (Keycloak, Auth0, Entra ID, Okta).
 * nimbus-jose-jwt does the JOSE work: the signature with an allowed asymmetric algorithm that fits
 * the key, the exact issuer, the audience, the time claims with the allowed skew, and {@code typ}
 * ({@code JWT} or {@code at+jwt}, if present). Why a token was refused goes to the log, never to
 * the client.
 *
 * <p>Keys are fetched on first use and cached; a token that names an unknown {@code kid} makes the
 * key set be fetched again (at most once per few seconds), so the issuer can rotate its keys
 * without a restart, and while the issuer is unreachable, keys already cached keep working. The
 * issuer's address is read from its discovery document on first use too, so an issuer that is down
 * never stops start-up.
 */
final class JwtAuthenticator implements Authenticator {

  /** Larger tokens are refused before any parsing. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
  private static final long RETRY_DISCOVERY_MILLIS = 5_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JwtSettings settings;
  private final HttpClient http;
  private final Executor verifying;
  private volatile DefaultJWTProcessor<SecurityContext> processor;
  private volatile long lastDiscoveryFailure;

  JwtAuthenticator(JwtSettings settings, Executor verifying) {
    this.settings = settings;
    this.verifying = Context.taskWrapping(verifying);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(FETCH_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Discovery and key set fetches happen inside {@link #authenticate}, up to a timeout each. */
  @Override
  public CompletionStage<Optional<Principal>> authenticateAsync(String token) {
    return CompletableFuture.supplyAsync(() -> authenticate(token), verifying);
  }

  @Override
  public Optional<Principal> authenticate(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      log.info("Refused a bearer token of {} characters", token.length());
      return Optional.empty();
    }
    Optional<DefaultJWTProcessor<SecurityContext>> ready = processor();
    if (ready.isEmpty()) {
      return Optional.empty();
    }
    try {
      return principalOf(ready.get().process(token, null));
    } catch (Exception e) {
      log.info("Refused a bearer token: {}", e.toString());
      return Optional.empty();
    }
  }

  /** The user and tenant claims of a token that is a JWT, read without verifying anything. */
  @Override
  public Optional<Claimed> unverifiedClaims(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    try {
      JWTClaimsSet claims = JWTParser.parse(token).getJWTClaimsSet();
      return Optional.of(
          new Claimed(text(claims, settings.userClaim()), text(claims, settings.tenantClaim())));
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  private Optional<Principal> principalOf(JWTClaimsSet claims) {
    Optional<String> user = text(claims, settings.userClaim());
    Optional<String> tenant = text(claims, settings.tenantClaim());
    if (user.isEmpty() || tenant.isEmpty()) {
      log.info(
          "Refused a bearer token without its {} or {} claim",
          settings.userClaim(),
          settings.tenantClaim());
      return Optional.empty();
    }
    Set<String> roles = new LinkedHashSet<>();
    claim(claims, settings.rolesClaim())
        .ifPresent(
            value -> {
              if (value instanceof List<?> list) {
                list.forEach(role -> roles.add(String.valueOf(role)));
              } else {
                roles.add(String.valueOf(value));
              }
            });
    return Optional.of(
        new Principal(
            user.get(),
            tenant.get(),
            roles.stream()
                .map(role -> settings.roleMapping().getOrDefault(role, role))
                .collect(Collectors.toSet())));
  }

  private static Optional<String> text(JWTClaimsSet claims, String name) {
    return claim(claims, name)
        .filter(String.class::isInstance)
        .map(String.class::cast)
        .filter(value -> !value.isBlank());
  }

  /**
   * A claim by its name, or else by a dotted path into nested objects ({@code realm_access.roles}):
   * Auth0's namespaced claims have dots in their names.
   */
  private static Optional<Object> claim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    if (value != null || !name.contains(".")) {
      return Optional.ofNullable(value);
    }
    Object current = claims.getClaims();
    for (String part : name.split("\\.")) {
      if (!(current instanceof Map<?, ?> object)) {
        return Optional.empty();
      }
      current = object.get(part);
    }
    return Optional.ofNullable(current);
  }

  /** The processor, set up on first use once the key set's address is known. */
  private Optional<DefaultJWTProcessor<SecurityContext>> processor() {
    DefaultJWTProcessor<SecurityContext> current = processor;
    if (current != null) {
      return Optional.of(current);
    }
    synchronized (this) {
      if (processor == null
          && System.currentTimeMillis() - lastDiscoveryFailure > RETRY_DISCOVERY_MILLIS) {
        try {
          processor = newProcessor(jwksUrl());
        } catch (IOException | RuntimeException e) {
          lastDiscoveryFailure = System.currentTimeMillis();
          log.warn(
              "Cannot reach the JWT issuer {} for its keys: {}", settings.issuer(), e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Optional.ofNullable(processor);
    }
  }

  private URL jwksUrl() throws IOException, InterruptedException {
    if (settings.jwksUrl().isPresent()) {
      return settings.jwksUrl().get().toURL();
    }
    String issuer = settings.issuer().toString();
    URI discovery =
        URI.create(
            (issuer.endsWith("/") ? issuer : issuer + "/") + ".well-known/openid-configuration");
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(discovery).timeout(FETCH_TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(discovery + " answered " + response.statusCode());
    }
    JsonNode document = JSON.readTree(response.body());
    if (!settings.issuer().toString().equals(document.path("issuer").asText())) {
      throw new IOException(
          discovery + " names issuer '" + document.path("issuer").asText() + "', not the one set");
    }
    String jwks = document.path("jwks_uri").asText();
    if (jwks.isEmpty()) {
      throw new IOException(discovery + " names no jwks_uri");
    }
    try {
      return URI.create(jwks).toURL();
    } catch (IllegalArgumentException | MalformedURLException e) {
      throw new IOException(discovery + " names a jwks_uri that is no URL: " + jwks, e);
    }
  }

  private DefaultJWTProcessor<SecurityContext> newProcessor(URL jwksUrl) {
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.create(jwksUrl)
            .cache(true)
            .rateLimited(true)
            .outageTolerantForever()
            .build();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            settings.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet()),
            keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            settings.audience(),
            new JWTClaimsSet.Builder().issuer(settings.issuer().toString()).build(),
            // the user and tenant claims may be nested paths: principalOf requires them
            Set.of("exp"));
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
    return processor;
  }
}
