package io.caseflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Principals from signed JWTs of the customer's OpenID issuer (Keycloak, Auth0, Entra ID, Okta).
 * nimbus-jose-jwt does the JOSE work: the signature with an allowed asymmetric algorithm that fits
 * the key (EdDSA through {@link IssuerKeySelector} and {@link IssuerVerifierFactory}), the exact
 * issuer, the audience, the time claims with the allowed skew, and {@code typ} ({@code JWT} or
 * {@code at+jwt}, if present). Why a token was refused goes to the log, never to the client.
 *
 * <p>The issuer's keys are held by {@link IssuerKeys}: fetched on first use and kept; a token that
 * names a key not held waits, without holding a thread, for a fetch that starts after it came (at
 * most one a second), so the issuer can rotate its keys without a restart and junk key ids cannot
 * keep a rotation out; while the issuer is unreachable, keys already held keep working. The key
 * set's address is read from the issuer's discovery document on the first fetch too, so an issuer
 * that is down never stops start-up.
 */
final class JwtAuthenticator implements Authenticator {

  /** Larger tokens are refused before any parsing. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JwtSettings settings;
  private final HttpClient http;
  // the same threads: tasks of the first run in the context (trace) of whoever submits them
  private final Executor verifying;
  private final Executor verifyingThreads;
  private final Set<JWSAlgorithm> algorithms;
  private final DefaultJWTProcessor<JWKSecurityContext> processor;
  private final IssuerKeys issuerKeys;
  // set by the first fetch that finds it; read and written by the fetches, one at a time
  private volatile URLBasedJWKSetSource<JWKSecurityContext> keySetSource;

  JwtAuthenticator(JwtSettings settings, Executor verifying) {
    this.settings = settings;
    this.verifyingThreads = verifying;
    this.verifying = Context.taskWrapping(verifying);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(FETCH_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.algorithms =
        settings.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet());
    this.processor = newProcessor();
    // a fetch belongs to no request: it runs outside every request's trace
    this.issuerKeys =
        new IssuerKeys(
            settings.issuer().toString(),
            this::fetchKeySet,
            Context.root().wrap(verifying),
            IssuerKeys.REFRESH_AFTER);
  }

  /**
   * Verified on the verifying executor; a token whose key is not held yet waits for the next fetch
   * of the key set without holding a thread, and is verified on that executor when it arrives.
   */
  @Override
  public CompletionStage<Optional<Principal>> authenticateAsync(String token) {
    return CompletableFuture.supplyAsync(() -> check(token), verifying)
        .thenCompose(Function.identity());
  }

  /** Waits for {@link #authenticateAsync}: never call it on a thread of the verifying executor. */
  @Override
  public Optional<Principal> authenticate(String token) {
    return authenticateAsync(token).toCompletableFuture().join();
  }

  private CompletionStage<Optional<Principal>> check(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      log.info("Refused a bearer token of {} characters", token.length());
      return refused();
    }
    SignedJWT jwt;
    try {
      if (!(JWTParser.parse(token) instanceof SignedJWT signed)) {
        log.info("Refused a bearer token that is not a signed JWT");
        return refused();
      }
      jwt = signed;
    } catch (ParseException e) {
      log.info("Refused a bearer token: {}", e.toString());
      return refused();
    }
    JWSHeader header = jwt.getHeader();
    if (!algorithms.contains(header.getAlgorithm())) {
      // before any key is looked for: such a token never makes the key set be fetched
      log.info("Refused a bearer token signed {}, not an allowed algorithm", header.getAlgorithm());
      return refused();
    }
    JWKSet held = issuerKeys.held();
    if (IssuerKeySelector.holdsKeyFor(header, held)) {
      return CompletableFuture.completedFuture(verify(jwt, held));
    }
    // verified in this request's trace, on whichever thread completes the fetch
    Function<JWKSet, Optional<Principal>> verifyFetched =
        Context.current().wrapFunction(fetched -> verify(jwt, fetched));
    return issuerKeys.fetchedAfterNow().thenApplyAsync(verifyFetched, verifyingThreads);
  }

  private Optional<Principal> verify(SignedJWT jwt, JWKSet keys) {
    try {
      return principalOf(processor.process(jwt, new JWKSecurityContext(keys.getKeys())));
    } catch (Exception e) {
      log.info("Refused a bearer token: {}", e.toString());
      return Optional.empty();
    }
  }

  private static CompletionStage<Optional<Principal>> refused() {
    return CompletableFuture.completedFuture(Optional.empty());
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

  /**
   * The issuer's key set, fetched and parsed by nimbus (its default timeouts and size limit); its
   * address is read from the issuer's discovery document on the first fetch, unless it is set.
   */
  private JWKSet fetchKeySet() throws Exception {
    URLBasedJWKSetSource<JWKSecurityContext> source = keySetSource;
    if (source == null) {
      source =
          new URLBasedJWKSetSource<>(
              jwksUrl(),
              new DefaultResourceRetriever(
                  JWKSourceBuilder.DEFAULT_HTTP_CONNECT_TIMEOUT,
                  JWKSourceBuilder.DEFAULT_HTTP_READ_TIMEOUT,
                  JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT));
      keySetSource = source;
    }
    return source.getJWKSet(
        JWKSetCacheRefreshEvaluator.forceRefresh(), System.currentTimeMillis(), null);
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

  private DefaultJWTProcessor<JWKSecurityContext> newProcessor() {
    DefaultJWTProcessor<JWKSecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    processor.setJWSKeySelector(new IssuerKeySelector(algorithms));
    processor.setJWSVerifierFactory(new IssuerVerifierFactory());
    DefaultJWTClaimsVerifier<JWKSecurityContext> claims =
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
