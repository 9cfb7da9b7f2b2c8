package io.caseflow.http;

import io.caseflow.cases.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/** Resolves a bearer token to the principal it stands for. */
@FunctionalInterface
public interface Authenticator {

  String DEMO_TOKEN_PREFIX = "demo-";

  Optional<Principal> authenticate(String bearerToken);

  /**
   * {@link #authenticate} where this authenticator may wait: one that fetches an issuer's keys runs
   * on threads of its own, never on the HTTP threads, which are as few as the cores.
   */
  default CompletionStage<Optional<Principal>> authenticateAsync(String bearerToken) {
    return CompletableFuture.completedFuture(authenticate(bearerToken));
  }

  /** Who a token says it is, before or without verification; for the refusal log only. */
  record Claimed(Optional<String> user, Optional<String> tenant) {}

  /**
   * What a refused token claims, if it is of this authenticator's kind and can be read at all;
   * nothing for tokens that are secrets themselves (demo tokens), which are never written down.
   */
  default Optional<Claimed> unverifiedClaims(String bearerToken) {
    return Optional.empty();
  }

  /** The demo principals of the embedded default: token {@code demo-<user id>}. */
  static Authenticator demoTokens(Map<String, Principal> principals) {
    Map<String, Principal> byToken =
        principals.values().stream()
            .collect(Collectors.toUnmodifiableMap(p -> DEMO_TOKEN_PREFIX + p.userId(), p -> p));
    return token -> Optional.ofNullable(byToken.get(token));
  }

  /**
   * Signed JWTs of the customer's OpenID issuer (see {@link JwtAuthenticator}), verified on {@code
   * verifying}: while the issuer is slow to hand out its keys, only those threads wait.
   */
  static Authenticator jwt(JwtSettings settings, Executor verifying) {
    return new JwtAuthenticator(settings, verifying);
  }

  /** The principal of the first authenticator that accepts the token; none accepts nothing. */
  static Authenticator firstOf(List<Authenticator> authenticators) {
    List<Authenticator> inOrder = List.copyOf(authenticators);
    return new Authenticator() {
      @Override
      public Optional<Principal> authenticate(String token) {
        return inOrder.stream()
            .map(authenticator -> authenticator.authenticate(token))
            .flatMap(Optional::stream)
            .findFirst();
      }

      @Override
      public CompletionStage<Optional<Principal>> authenticateAsync(String token) {
        CompletionStage<Optional<Principal>> found =
            CompletableFuture.completedFuture(Optional.empty());
        for (Authenticator authenticator : inOrder) {
          found =
              found.thenCompose(
                  principal ->
                      principal.isPresent()
                          ? CompletableFuture.completedFuture(principal)
                          : authenticator.authenticateAsync(token));
        }
        return found;
      }

      @Override
      public Optional<Claimed> unverifiedClaims(String token) {
        return inOrder.stream()
            .map(authenticator -> authenticator.unverifiedClaims(token))
            .flatMap(Optional::stream)
            .findFirst();
      }
    };
  }
}
